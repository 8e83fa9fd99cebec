"""Statement forwarding to other LRSs (issue 23): each forwarder is a durable
consumer of the stream's statements that POSTs the ones its filters select, in
batches, to a target LRS (`forwarder`); forwarders are rows of a table
(`registry`), added by ``lrs forwarding add`` or the admin API."""
