"""Examples copied from the xAPI 1.0.3 Data specification; each one must validate.

Functions, not constants, so a test may change what it gets.
"""

from __future__ import annotations

from typing import Any


def simplest_statement() -> dict[str, Any]:
    # Data 2.4 Example
    return {
        "id": "12345678-1234-5678-1234-567812345678",
        "actor": {"mbox": "mailto:xapi@adlnet.gov"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/created", "display": {"en-US": "created"}},
        "object": {"id": "http://example.adlnet.gov/xapi/example/activity"},
    }


def voiding_statement() -> dict[str, Any]:
    # Data 2.3.2 Example
    return {
        "actor": {"objectType": "Agent", "name": "Example Admin", "mbox": "mailto:admin@example.adlnet.gov"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"},
    }


def account_agent() -> dict[str, Any]:
    # Data 2.4.2.4 Example
    return {"objectType": "Agent", "account": {"homePage": "http://www.example.com", "name": "1625378"}}


def verb() -> dict[str, Any]:
    # Data 2.4.3 Example
    return {
        "id": "http://example.com/xapi/verbs#defenestrated",
        "display": {"en-US": "defenestrated", "es": "defenestrado"},
    }


def statement_ref_statement() -> dict[str, Any]:
    # Data 2.4.4.3 Statement References, Example
    return {
        "actor": {"objectType": "Agent", "mbox": "mailto:test@example.com"},
        "verb": {"id": "http://example.com/commented", "display": {"en-US": "commented"}},
        "object": {"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"},
        "result": {"response": "Wow, nice work!"},
    }


def substatement_statement() -> dict[str, Any]:
    # Data 2.4.4.3 SubStatements, Example
    return {
        "actor": {"objectType": "Agent", "mbox": "mailto:test@example.com"},
        "verb": {"id": "http://example.com/planned", "display": {"en-US": "planned"}},
        "object": {
            "objectType": "SubStatement",
            "actor": {"objectType": "Agent", "mbox": "mailto:test@example.com"},
            "verb": {"id": "http://example.com/visited", "display": {"en-US": "will visit"}},
            "object": {
                "objectType": "Activity",
                "id": "http://example.com/website",
                "definition": {"name": {"en-US": "Some Awesome Website"}},
            },
        },
    }


def context_activities() -> dict[str, Any]:
    # Data 2.4.6.2 Example
    return {
        "parent": [{"id": "http://example.adlnet.gov/xapi/example/test1"}],
        "grouping": [{"id": "http://example.adlnet.gov/xapi/example/Algebra1"}],
    }


def oauth_authority() -> dict[str, Any]:
    # Data 2.4.9 OAuth Credentials as Authority, Example
    return {
        "objectType": "Group",
        "member": [
            {"account": {"homePage": "http://example.com/xAPI/OAuth/Token", "name": "oauth_consumer_x75db"}},
            {"mbox": "mailto:bob@example.com"},
        ],
    }


def simple_statement() -> dict[str, Any]:
    # Data Appendix A, first example
    return {
        "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
        "timestamp": "2015-11-18T12:17:00+00:00",
        "actor": {"objectType": "Agent", "name": "Project Tin Can API", "mbox": "mailto:user@example.com"},
        "verb": {"id": "http://example.com/xapi/verbs#sent-a-statement", "display": {"en-US": "sent"}},
        "object": {
            "id": "http://example.com/xapi/activity/simplestatement",
            "definition": {
                "name": {"en-US": "simple statement"},
                "description": {
                    "en-US": "A simple Experience API statement. Note that the LRS does not need to have "
                    "any prior information about the Actor (learner), the verb, or the Activity/object."
                },
            },
        },
    }


def completion_statement() -> dict[str, Any]:
    # Data Appendix A, second example
    return {
        "id": "7ccd3322-e1a5-411a-a67d-6a735c76f119",
        "timestamp": "2015-12-18T12:17:00+00:00",
        "actor": {
            "objectType": "Agent",
            "name": "Example Learner",
            "mbox": "mailto:example.learner@adlnet.gov",
        },
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted", "display": {"en-US": "attempted"}},
        "object": {
            "id": "http://example.adlnet.gov/xapi/example/simpleCBT",
            "definition": {
                "name": {"en-US": "simple CBT course"},
                "description": {"en-US": "A fictitious example CBT course."},
            },
        },
        "result": {"score": {"scaled": 0.95}, "success": True, "completion": True, "duration": "PT1234S"},
    }


def long_statement() -> dict[str, Any]:
    # Data Appendix A, third example (as returned by an LRS)
    return {
        "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "actor": {
            "name": "Team PB",
            "mbox": "mailto:teampb@example.com",
            "member": [
                {
                    "name": "Andrew Downes",
                    "account": {"homePage": "http://www.example.com", "name": "13936749"},
                    "objectType": "Agent",
                },
                {"name": "Toby Nichols", "openid": "http://toby.openid.example.org/", "objectType": "Agent"},
                {
                    "name": "Ena Hills",
                    "mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9",
                    "objectType": "Agent",
                },
            ],
            "objectType": "Group",
        },
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/attended",
            "display": {"en-GB": "attended", "en-US": "attended"},
        },
        "result": {
            "extensions": {
                "http://example.com/profiles/meetings/resultextensions/minuteslocation":
                    "X:\\meetings\\minutes\\examplemeeting.one"
            },
            "success": True,
            "completion": True,
            "response": "We agreed on some example actions.",
            "duration": "PT1H0M0S",
        },
        "context": {
            "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "contextActivities": {
                "parent": [{"id": "http://www.example.com/meetings/series/267", "objectType": "Activity"}],
                "category": [
                    {
                        "id": "http://www.example.com/meetings/categories/teammeeting",
                        "objectType": "Activity",
                        "definition": {
                            "name": {"en": "team meeting"},
                            "description": {"en": "A category of meeting used for regular team meetings."},
                            "type": "http://example.com/expapi/activities/meetingcategory",
                        },
                    }
                ],
                "other": [
                    {"id": "http://www.example.com/meetings/occurances/34257", "objectType": "Activity"},
                    {"id": "http://www.example.com/meetings/occurances/3425567", "objectType": "Activity"},
                ],
            },
            "instructor": {
                "name": "Andrew Downes",
                "account": {"homePage": "http://www.example.com", "name": "13936749"},
                "objectType": "Agent",
            },
            "team": {"name": "Team PB", "mbox": "mailto:teampb@example.com", "objectType": "Group"},
            "platform": "Example virtual meeting software",
            "language": "tlh",
            "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
        },
        "timestamp": "2013-05-18T05:32:34.804+00:00",
        "stored": "2013-05-18T05:32:34.804+00:00",
        "authority": {
            "account": {"homePage": "http://cloud.scorm.com/", "name": "anonymous"},
            "objectType": "Agent",
        },
        "version": "1.0.0",
        "object": {
            "id": "http://www.example.com/meetings/occurances/34534",
            "definition": {
                "extensions": {
                    "http://example.com/profiles/meetings/activitydefinitionextensions/room": {
                        "name": "Kilby",
                        "id": "http://example.com/rooms/342",
                    }
                },
                "name": {"en-GB": "example meeting", "en-US": "example meeting"},
                "description": {
                    "en-GB": "An example meeting that happened on a specific occasion with certain people present.",
                    "en-US": "An example meeting that happened on a specific occasion with certain people present.",
                },
                "type": "http://adlnet.gov/expapi/activities/meeting",
                "moreInfo": "http://virtualmeeting.example.com/345256",
            },
            "objectType": "Activity",
        },
    }


def activity_object() -> dict[str, Any]:
    # Data Appendix B, Object is Activity
    return {
        "id": "http://www.example.co.uk/exampleactivity",
        "definition": {
            "name": {"en-GB": "example activity", "en-US": "example activity"},
            "description": {"en-GB": "An example of an activity", "en-US": "An example of an activity"},
            "type": "http://www.example.co.uk/types/exampleactivitytype",
        },
        "objectType": "Activity",
    }


def agent_object() -> dict[str, Any]:
    # Data Appendix B, Object is Agent
    return {"name": "Andrew Downes", "mbox": "mailto:andrew@example.co.uk", "objectType": "Agent"}


def group_object() -> dict[str, Any]:
    # Data Appendix B, Object is Group (an Identified Group with members)
    return {
        "name": "Example Group",
        "account": {"homePage": "http://example.com/homePage", "name": "GroupAccount"},
        "objectType": "Group",
        "member": [
            {"name": "Andrew Downes", "mbox": "mailto:andrew@example.com", "objectType": "Agent"},
            {"name": "Aaron Silvers", "openid": "http://aaron.openid.example.org", "objectType": "Agent"},
        ],
    }


def substatement_object() -> dict[str, Any]:
    # Data Appendix B, Object is Statement (a SubStatement whose Object is a Statement Reference)
    return {
        "objectType": "SubStatement",
        "actor": {"objectType": "Agent", "mbox": "mailto:agent@example.com"},
        "verb": {"id": "http://example.com/confirmed", "display": {"en": "confirmed"}},
        "object": {"objectType": "StatementRef", "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"},
    }


def _interaction(description: str, interaction_type: str, pattern: list[str], **lists: Any) -> dict[str, Any]:
    return {
        "description": {"en-US": description},
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "interactionType": interaction_type,
        "correctResponsesPattern": pattern,
        **lists,
    }


def _components(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"id": id_, "description": {"en-US": text}} for id_, text in pairs]


def interaction_definitions() -> dict[str, dict[str, Any]]:
    # Data Appendix C: one example definition per interactionType
    return {
        "true-false": _interaction(
            "Does the xAPI include the concept of statements?", "true-false", ["true"]
        ),
        "choice": _interaction(
            "Which of these prototypes are available at the beta site?",
            "choice",
            ["golf[,]tetris"],
            choices=_components(
                ("golf", "Golf Example"), ("facebook", "Facebook App"),
                ("tetris", "Tetris Example"), ("scrabble", "Scrabble Example"),
            ),
        ),
        "fill-in": _interaction("Ben is often heard saying: ", "fill-in", ["Bob's your uncle"]),
        "long-fill-in": _interaction(
            "What is the purpose of the xAPI?",
            "long-fill-in",
            ["{case_matters=false}{lang=en}To store and provide access to learning experiences."],
        ),
        "likert": _interaction(
            "How awesome is Experience API?",
            "likert",
            ["likert_3"],
            scale=_components(
                ("likert_0", "It's OK"), ("likert_1", "It's Pretty Cool"),
                ("likert_2", "It's Damn Cool"), ("likert_3", "It's Gonna Change the World"),
            ),
        ),
        "matching": _interaction(
            "Match these people to their kickball team:",
            "matching",
            ["ben[.]3[,]chris[.]2[,]troy[.]4[,]freddie[.]1"],
            source=_components(("ben", "Ben"), ("chris", "Chris"), ("troy", "Troy"), ("freddie", "Freddie")),
            target=_components(
                ("1", "Swift Kick in the Grass"), ("2", "We got Runs"),
                ("3", "Duck"), ("4", "Van Delay Industries"),
            ),
        ),
        "performance": _interaction(
            "This interaction measures performance over a day of RS sports:",
            "performance",
            ["pong[.]1:[,]dg[.]:10[,]lunch[.]"],
            steps=_components(
                ("pong", "Net pong matches won"),
                ("dg", "Strokes over par in disc golf at Liberty"),
                ("lunch", "Lunch having been eaten"),
            ),
        ),
        "sequencing": _interaction(
            "Order players by their pong ladder position:",
            "sequencing",
            ["tim[,]mike[,]ells[,]ben"],
            choices=_components(("tim", "Tim"), ("ben", "Ben"), ("ells", "Ells"), ("mike", "Mike")),
        ),
        "numeric": _interaction("How many jokes is Chris the butt of each day?", "numeric", ["4[:]"]),
        "other": _interaction("On this map, please mark Franklin, TN", "other", ["(35.937432,-86.868896)"]),
    }


def signed_statement() -> dict[str, Any]:
    # Data Appendix D, Signed Statement
    return {
        "version": "1.0.0",
        "id": "33cff416-e331-4c9d-969e-5373a1756120",
        "actor": {"mbox": "mailto:example@example.com", "name": "Example Learner", "objectType": "Agent"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "experienced"}},
        "object": {
            "id": "https://www.youtube.com/watch?v=xh4kIiH3Sm8",
            "objectType": "Activity",
            "definition": {
                "name": {"en-US": "Tax Tips & Information : How to File a Tax Return "},
                "description": {
                    "en-US": "Filing a tax return will require filling out either a 1040, 1040A or 1040EZ form"
                },
            },
        },
        "timestamp": "2013-04-01T12:00:00Z",
        "attachments": [
            {
                "usageType": "http://adlnet.gov/expapi/attachments/signature",
                "display": {"en-US": "Signature"},
                "description": {"en-US": "A test signature"},
                "contentType": "application/octet-stream",
                "length": 4235,
                "sha2": "672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634",
            }
        ],
    }
