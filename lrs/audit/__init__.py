"""What an auditor can ask of the LRS: the hash chain, checkpoints, the feed, replay."""
