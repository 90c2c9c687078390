"""The Discourse bot: a forum watched through its REST API (`evidence-bot run discourse`)."""
