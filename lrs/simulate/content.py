"""The names, job titles, programs, videos, goals and texts a history is drawn from."""

from __future__ import annotations

FIRST_NAMES = (
    "Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Tim", "Barbara", "Dennis", "Frances",
    "Ken", "Radia", "Edsger", "Hedy", "John", "Sophie", "Donald", "Shafi", "Leslie", "Anita",
    "Guido", "Karen", "Bjarne", "Lynn", "Niklaus", "Mary", "Vint", "Jean", "Whitfield", "Annie",
    "Yukihiro", "Fei-Fei", "Ivan", "Carol", "Rasmus", "Adele", "James", "Ruth", "Brian", "Evelyn",
)
LAST_NAMES = (
    "Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Berners-Lee", "Liskov",
    "Ritchie", "Allen", "Thompson", "Perlman", "Dijkstra", "Lamarr", "McCarthy", "Wilson", "Knuth",
    "Goldwasser", "Lamport", "Borg", "van Rossum", "Spärck Jones", "Stroustrup", "Conway", "Wirth",
    "Keller", "Cerf", "Sammet", "Diffie", "Easley", "Matsumoto", "Li", "Sutherland", "Shaw",
    "Lerdorf", "Goldberg", "Gosling", "Teitelman", "Kernighan", "Granville",
)
SENIOR_TITLES = (
    "Chief Operating Officer", "Chief Financial Officer", "VP Sales", "VP Engineering",
    "Head of Legal", "Director of Operations", "Managing Director", "Head of HR",
)
EXPERIENCED_TITLES = (
    "Principal Engineer", "Senior Product Manager", "Engineering Manager", "Senior Designer",
    "Lead Data Scientist", "Senior Consultant", "Team Lead", "Staff Engineer",
)
JUNIOR_TITLES = (
    "Graduate Engineer", "Junior Analyst", "Apprentice Developer", "Associate Designer",
    "Data Analyst", "Marketing Associate", "Support Specialist", "Trainee Consultant",
)
PROGRAM_KINDS = (
    ("leadership", "Leadership mentoring", "Experienced leaders mentor new team leads."),
    ("reverse", "Reverse mentoring: digital fluency",
     "Junior staff mentor senior leaders on digital tools and ways of working."),
    ("onboarding", "New-hire mentoring", "Every new hire is paired with an experienced colleague."),
    ("women-in-tech", "Women in tech mentoring", "Career mentoring across the engineering organisation."),
)
VIDEOS = (
    ("giving-feedback", "Giving feedback that lands", 420.0),
    ("active-listening", "Active listening", 300.0),
    ("setting-goals", "Setting goals you can meet", 540.0),
    ("difficult-conversations", "Difficult conversations", 660.0),
    ("remote-collaboration", "Collaborating in remote teams", 360.0),
    ("ai-at-work", "AI tools at work", 480.0),
    ("career-paths", "Career paths and sponsorship", 390.0),
    ("time-management", "Managing your time", 330.0),
)
GOALS = (
    ("lead-a-meeting", "Lead a cross-team meeting"),
    ("present-to-leadership", "Present a proposal to leadership"),
    ("ship-a-feature", "Ship a feature end to end"),
    ("learn-analytics", "Build a dashboard with the analytics tool"),
    ("delegate", "Delegate a recurring task"),
    ("public-speaking", "Speak at an internal conference"),
    ("use-collaboration-tools", "Run a project in the collaboration suite"),
)
COMMENTS = (
    "Great session today, thanks for the practical tips.",
    "I tried the technique we discussed and it worked well.",
    "Sharing the article I mentioned: worth a read before next week.",
    "Could we spend next session on preparing the quarterly review?",
    "The part about asking open questions was really useful.",
    "I struggled with this one; can we go over it again?",
    "Notes from our meeting are in the shared folder.",
    "This video changed how I run one-to-ones.",
)
REPLIES = (
    "Thanks, glad it helped!",
    "Yes, let's do that next time.",
    "Agreed. I'll bring an example.",
    "Good point, I had not thought of it that way.",
    "I'll share my notes too.",
)
FEEDBACK = {
    1: ("The session was cancelled at the last minute.",),
    2: ("We ran out of time and did not cover the agenda.", "Felt a bit rushed."),
    3: ("Useful, but I would like more concrete examples.", "OK session, we went off topic."),
    4: ("Very helpful, clear next steps.", "Good preparation and honest advice."),
    5: ("Excellent, exactly what I needed.", "Inspiring and practical, thank you!"),
}
