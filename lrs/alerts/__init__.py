"""Alerts (issue 21 point 8): a coordinator is told when a pair slips, or recovers.

A worker (`worker.AlertWorker`, ``lrs alerts run``, started by ``lrs serve``
when alerts are configured) evaluates every pair's status (`projections.pair_status`,
the dashboard's rule) at the time of its clock, once the views show the whole log.
A status different from the one last seen is a *change* (`changes`): recorded
once, with the webhook body it is announced with, in the same transaction as
the new status, in tables of its own (migration 0012) that a view rebuild does
not touch. The webhook (`webhook`) POSTs each change, signed with HMAC-SHA256,
retried with backoff until delivered or given up; what was delivered is kept, so
a restart never sends it again. Once a day, from ``LRS_DIGEST_HOUR``, each
coordinator account with an e-mail address gets a digest of its programs only
(`digest`) over SMTP, recorded per account and day.

`config.AlertConfig` checks the settings; each problem names its setting.
"""
