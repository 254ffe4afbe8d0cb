"""Pure functions on strings: mojibake repair, links, hashtags, slugs and post HTML.

Nothing here touches the file system or the clock; every function runs in time linear in the
size of its input, so a hostile 2 MB line cannot stall a build.
"""
