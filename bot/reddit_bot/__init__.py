"""The Reddit adapter: praw in its own process, watching subreddits and replying with cards.

The only package that may import praw or prawcore. It converts Reddit items into Posts,
hands them to the platform-neutral core, and sends the rendered Markdown back.
"""
