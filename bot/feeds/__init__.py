"""The read-only feed watcher (`evidence-bot run feeds`): forums RSS/Atom, sightings, digests."""
