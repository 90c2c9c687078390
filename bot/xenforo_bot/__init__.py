"""The XenForo bot: a forum watched through its REST API (`evidence-bot run xenforo`)."""
