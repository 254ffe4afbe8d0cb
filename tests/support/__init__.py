"""Test helpers shared by every kind of test: HTML validation, checks on a built site, a crawler.

`htmlcheck` validates markup (the Nu Html Checker when installed, html5lib otherwise),
`sitechecks` looks at a built output folder for active content and stray writes, and
`crawl` serves a folder over real HTTP under a base path and follows its links.
"""
