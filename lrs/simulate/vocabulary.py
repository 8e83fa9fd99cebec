"""The IRIs the simulated statements use: registered verbs and activity types (ADL,
the xAPI Video Profile) and the simulated organisation's own."""

from __future__ import annotations

# Registered vocabulary (ADL, xAPI Video Profile).
ADL_VERB = "http://adlnet.gov/expapi/verbs/"
REGISTERED = ADL_VERB + "registered"
ATTENDED = ADL_VERB + "attended"
INITIALIZED = ADL_VERB + "initialized"
TERMINATED = ADL_VERB + "terminated"
COMPLETED = ADL_VERB + "completed"
COMMENTED = ADL_VERB + "commented"
EXPERIENCED = ADL_VERB + "experienced"
VOIDED = ADL_VERB + "voided"
PLAYED = "https://w3id.org/xapi/video/verbs/played"
MEETING = "http://adlnet.gov/expapi/activities/meeting"
COURSE = "http://adlnet.gov/expapi/activities/course"
LINK = "http://adlnet.gov/expapi/activities/link"
VIDEO = "https://w3id.org/xapi/video/activity-type/video"
VIDEO_PROFILE = "https://w3id.org/xapi/video"
VIDEO_PROGRESS = "https://w3id.org/xapi/video/extensions/progress"
VIDEO_TIME = "https://w3id.org/xapi/video/extensions/time"
VIDEO_LENGTH = "https://w3id.org/xapi/video/extensions/length"
VIDEO_SESSION = "https://w3id.org/xapi/video/extensions/session-id"
PROFILE_TYPE = "http://adlnet.gov/expapi/activities/profile"

ORG = "https://academy.example.com"
"""Where the simulated organisation's Activities live (not vocabulary)."""
SSO = "https://sso.example.com"
JOB_TITLE = f"{ORG}/xapi/extensions/job-title"
"""An extension outside the profile (the views ignore it), as an HR system would add."""
