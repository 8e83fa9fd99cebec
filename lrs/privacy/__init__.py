"""Personal data per person (issue 19): keys, and erasure by destroying a person's key."""
