"""What an async platform adapter shares: the bridge to the synchronous core (`core_runner`)
and the completion ledger that keeps a stream's cursor behind unfinished items (`progress`)."""
