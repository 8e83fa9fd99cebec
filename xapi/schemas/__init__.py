"""marshmallow schemas describing every rule a Statement must follow.

One module per part of a Statement; `xapi.validation` is the public entry point.
"""

from xapi.schemas.agents import AGENT, GROUP, AgentSchema, GroupSchema
from xapi.schemas.statement import StatementSchema, SubStatementSchema, statement_schema

__all__ = [
    "AGENT",
    "GROUP",
    "AgentSchema",
    "GroupSchema",
    "StatementSchema",
    "SubStatementSchema",
    "statement_schema",
]
