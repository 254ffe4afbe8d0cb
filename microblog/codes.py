"""Every problem code, declared once: its severity, a title, what it means and what to do.

`microblog explain CODE` shows an entry. A new code gets an entry in `_TABLE` (the next free
number of its group: 00 settings, 10 bytes, 20 front matter and Markdown, 30 post text, 40
files and folders, 50 the timeline, 60 the page plan, 70 templates, 80 static files, 90
exports of Twitter/X and Mastodon, 100 the build cache, 110 urls.lock) and is
then used as a literal, `Problem(path, line, "MB090", Severity.WARNING, ...)`;
tests/unit/test_codes.py fails on a code used but not declared, a declared code never used,
and a use whose severity is not the declared one.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

from microblog.problems import Severity

# An entry: "CODE severity: title", then its paragraph; entries are separated by a blank line.
# A code used with two severities lists both ("warning or error"), the usual one first.
_TABLE = """
MB001 error: site.yaml cannot be read
The settings file (./site.yaml, or the one --config names) is missing or cannot be opened.
Nothing is built. Run the command in the site's folder, pass --config PATH, or make a new
site with 'microblog init DIR'.

MB002 error: site.yaml is not valid YAML
site.yaml could not be parsed. Besides plain syntax errors, microblog refuses duplicate keys,
anchors and aliases (&x, *x), tags like !!python/object, escapes of characters no page can
show, and files over 256 KB. Fix the line named; quote a value that holds ': ' or '#'.

MB003 error: site.yaml is not a mapping
site.yaml holds a list or a single value where a mapping of keys is expected. Write one
'key: value' a line, starting with 'title:' and 'base_url:'.

MB004 error: unknown key in site.yaml
A key of site.yaml (or of its 'feed' section) is not a setting microblog knows, often a
typo: the message suggests the nearest known key. Rename or remove it; the README's
site.yaml table lists every key.

MB005 error: invalid setting value
A setting has a value of the wrong kind or out of range: in site.yaml, in a command-line
option that overrides it (--output, --base-url), or in SOURCE_DATE_EPOCH, which must be whole
seconds since 1970. The message says what the value must be; correct it.

MB006 error: required setting missing
site.yaml has no 'title' or no 'base_url', which every site needs: base_url is the absolute
http(s) address the site is published at, and its path prefixes every link. Add the key.

MB007 error: content folder missing or outside the site
The content folder (content_dir, 'content' by default) does not exist, or lies outside the
site's folder. The command stops, so that a typo cannot replace the published site with an
empty one and nothing outside the site is read. Create the folder or fix content_dir.

MB008 error: output folder refused
The output folder (output_dir or --output) is the file system root; is or contains your home
folder, the site folder, content/, templates/ or static/; lies inside one of the last three;
is not a plain folder; or is not empty and was not made by microblog. Nothing is written:
choose another folder, or empty the one named if it holds nothing you need.

MB010 note: file decoded from UTF-16 or UTF-32
The file starts with a UTF-16 or UTF-32 byte order mark and was decoded accordingly. Nothing
needs doing; re-save it as UTF-8 to make it smaller and easier for other tools to read.

MB011 warning: invalid bytes in a file
Bytes that are not valid UTF-8 (or not valid in the encoding the file's byte order mark
names) were replaced by U+FFFD on the line named. The file is probably in another encoding:
convert it to UTF-8 (iconv -f cp1252 -t utf-8, say) and check the line.

MB012 warning: control characters or non-characters removed
A line holds NUL or other control characters, lone surrogates or Unicode non-characters,
which no HTML or XML page may contain. They were removed from the post. Delete them from the
file to silence the warning.

MB013 warning: C1 control characters removed
A line holds C1 control characters (U+0080 to U+009F) that the mojibake repair could not read
as text. They were removed. They usually come from text decoded with the wrong code page:
look at the line and retype what was meant.

MB014 warning: file name is not valid UTF-8
The file's name holds bytes that are not UTF-8. The file is read, and named with U+FFFD in
place of those bytes in messages and records. Rename the file: a post without 'slug' takes its
URL from the file name.

MB020 warning: front matter never closed
The file opens a front matter block with '---' but no later line closes it with '---' (or
'...'). Everything, the fence included, is read as the post's text. Add the closing line, or
remove the opening one if the text really starts with '---'.

MB021 warning: invalid front matter
The front matter is not valid YAML, or uses what microblog refuses (duplicate keys, anchors
and aliases, tags like !!python/object, escapes of characters no page can show). The whole
front matter is ignored, so the post has no date, title or tags from it. Fix the line named.

MB022 warning: front matter is not a mapping
The front matter holds a list or a single value where 'key: value' lines are expected. It is
ignored. Write one 'key: value' a line between the '---' fences.

MB023 warning: unknown front matter key
A front matter key is not one this kind of file takes (Markdown: title, date, tags, slug,
lang, draft; archive files: date, lang, order, draft), often a typo: the message suggests
the nearest one. The key is ignored; rename or remove it.

MB024 warning: invalid front matter value
A front matter value has the wrong kind or form: a date that is not ISO 8601 or does not
exist, a language tag that is not one, a draft that is not true or false, an empty title or
slug, tags that are not a list, an order other than oldest-first or newest-first. The key is
ignored (the post may lose its date); correct the value.

MB025 warning: front matter tags is a string
'tags' is a single string ('tags: a, b') rather than a list. It was split into tags at
commas and spaces. Write a list, 'tags: [a, b]', to say exactly which tags you mean.

MB026 warning: slug changed or replaced
The front matter 'slug' is not a safe URL segment (it had spaces, upper case, slashes or other
characters, a Windows device name, or more than 80 characters), so a cleaned form is used; or
nothing usable was left, and the slug is made from the file name. Set the slug shown.

MB027 warning: Markdown too heavy, shown as text
The post has more Markdown than the converter can parse in a second or two (thousands of '['
characters, huge tables, very many lines or markup characters), or is nested too deeply. The
post is published as plain text so that the build stays fast. Split the post into several,
or simplify its markup.

MB028 warning: media file of a post not found or refused
A Markdown post's front matter 'media' names a file (relative to the post's folder) that is
not there, is not a regular file, leads outside the content folder (by '..' or a symbolic
link), or whose name cannot be an output path. The post is published without it, linking to
its 'remote' address when it has one. Put the file where 'file' says, inside content/.

MB030 note: mojibake repaired
Text that was UTF-8 read with the wrong code page (Latin-1, cp1252, Thai cp874 ...) was
repaired; the message shows the text before and after. The file is not changed. Nothing
needs doing; fix the file to make the note go away.

MB031 warning: post repeated in an archive file
An archive file holds the same post text twice. Both are published, the repeat with its own
URL (the slug gets '-2', '-3' ...). Delete the repeat if it is an accident.

MB032 warning: too many tags on one post
The post has more distinct tags than it may (100, fewer for a very long post): each tag page
repeats the whole post, so a flood of tags would multiply the site's size. The first tags get
tag pages; the others stay in the text, unlinked. Remove tags, or split the post.

MB039 error: internal error in a reader
Reading the file raised an unexpected exception: a bug in microblog. The posts read before it
are kept, the rest of the file is skipped, and the other files are read as usual. Please
report it with the message and, if you can, the file.

MB040 warning or error: folder or file cannot be read
A folder under content/ cannot be listed (a warning: it is skipped), or a post file cannot be
opened or read (an error: the file is skipped). The message gives the system's reason, often
permissions. Make it readable by the user who builds the site.

MB041 error: file too large
A post file is larger than 64 MB and is skipped: no archive needs that much text, and reading
it would take the build's memory. Split it into several files.

MB042 warning: file has no posts
A post file is empty or holds only white space. It is skipped. Write a post into it, or
delete it.

MB043 warning: content folder not found
The content folder does not exist, so the site has no posts. Create it or set content_dir
in site.yaml. ('check', 'build' and 'serve' stop before reading, with MB007.)

MB044 error: content folder leads outside the site
The content folder is, or passes through, a symbolic link to somewhere outside the site's
folder. Nothing is read from it. Move the posts into the site folder, or link the other way.

MB045 warning: link under content/ leads outside the site
A symbolic link under content/ points outside the site's folder; it is not followed, so that
a build never publishes files from elsewhere. Copy what it points to into the site.

MB046 warning: folder loop or nesting too deep
A folder under content/ is a link back to one of its own parents, or lies more than 32 levels
deep. It is not followed. Remove the link, or flatten the folders.

MB047 warning: broken symbolic link
A symbolic link under content/ points to nothing. It is skipped. Fix or delete it.

MB048 note: same file reached twice
A post file is reached by two paths (through a symbolic link); it is read once, under the
first path in sorted order. Nothing needs doing; remove the link to silence the note.

MB049 warning: git history is shallow
Post dates, or which of two posts keeps a contested URL, were taken from git, but the
repository is a shallow clone: the first commits it holds are not the ones that added the
posts. Clone the whole history (for actions/checkout: 'fetch-depth: 0'), or give the posts
dates in front matter.

MB050 warning: slug already used
Two posts want the same URL. The one that was there first (committed first, else the older)
keeps it; this one is published with a short hash of its source added to its slug, as the
message shows. Give one of them a 'slug' in its front matter if you want another URL.

MB060 error: page path unsafe or taken
The page plan holds a page whose output path is not safe to write, or one that another page
already has (compared without regard to case, as macOS and Windows file systems do). The page
is not written. Change the slug of the post named.

MB070 error: template error
A template has a syntax error, includes or extends one that does not exist, or raised an
error while rendering the page named. 'build' stops and keeps the previous output; 'check'
and 'serve' show the file and line. Fix the template (see the README's Templates section).

MB071 warning: template link broken or outside the site
A symbolic link under templates/ points to nothing, or outside the site's folder. It is not
read; where a default template has that name, the default is used. Fix or remove the link.

MB072 warning: template cannot be read
A file under templates/ cannot be read (not UTF-8, over 1 MB, no permission), or is not a
regular file, or templates/ itself cannot be listed. A build stops at the first page that
uses the template. Fix the file, or remove it to use the default.

MB073 error: search index cannot be made
Pagefind, which makes the search index (`search: true`), could not be started or failed. The
build stops and keeps the previous output. Reinstall microblog, which brings Pagefind's
binary (the pagefind-bin package) for this system, or set `search: false` in site.yaml.

MB080 warning: static link leads outside the site
A symbolic link under static/ points outside the site's folder. It is not copied, so that a
build never publishes files from elsewhere. Copy the file into static/ instead.

MB081 warning: static file has the path of a generated file
A file under static/ would be written where microblog writes a page or feed (index.html,
feed.xml, posts/ ...), or inside pagefind/, the search index's folder (`search: true`). The
generated file is kept and the static one is not copied. Rename or move the static file; to
change a page, override its template.

MB082 warning: static file cannot be copied
A file or folder under static/ cannot be read or listed, or its name cannot be a path in the
output on every system (a backslash, a NUL or another control character, a Windows device
name like con.css, a name ending in a dot or a space, or one over 255 bytes). It is not
copied. Fix its permissions, or rename it.

MB090 warning: export file cannot be read
A file of a Twitter/X or Mastodon export (a folder or the .zip as downloaded) was not read: its
name leads out of the export (`..`, an absolute path), it is a symbolic link leading out of
the site, it would inflate far beyond its packed size (a zip bomb), its packed data or
checksum is damaged (every media member of a zip is read through before a page shows it), or
it is larger than any real export file. A post whose media file was not read is published
without it. Nothing outside the export is ever read. Download the export again if it
should be there.

MB091 error: export file cannot be parsed
A file of posts in an export (tweets.js, tweet.js, a tweets-partN.js, outbox.json) is not what
the network writes: truncated JSON, a wrapper without its array, or no list of activities.
The posts it holds are not published; the other files of the export still are. Download the
export again.

MB092 warning: export item malformed
One item of an export (a tweet, an activity) lacks a field it needs, has one of the wrong
type, a duplicate key, or an address that is not http(s) (javascript:, data:). The message
names the file and the item's index. An item without text, id or date is left out; a bad
field alone is dropped and the post kept.

MB093 warning: media file missing from the export
A post's image, GIF or video is not in the export (the export was cut, or its media folder
was left out). The post is published and links to the file where the network served it.
Copy the export's media folder (tweets_media/, media_attachments/) beside its data.

MB094 note: posts of an export left out
Counts what an export holds that is not published, and why: retweets and boosts (set
`twitter.retweets: true` to include retweets, credited), and posts not addressed to the
public (followers-only posts and private mentions), which are never published anywhere.

MB095 error: imported post or media file cannot be written
'microblog import' could not create a post's Markdown file or copy one of its media files
into the content folder (no permission, a full disk, a name the file system refuses). The
other posts are still written, and the command exits 1. Fix the cause and run the import
again: it writes only what is not there yet.

MB100 warning: build cache cannot be read
`.microblog-cache/last-build.json`, where a build remembers what it read and wrote so that
the next one can skip work when nothing changed, is damaged, cut short or written by another
version. It is never trusted: the build runs in full and writes a new one. Nothing to do;
delete `.microblog-cache/` if the warning comes back.

MB110 error: urls.lock line cannot be read
A line of urls.lock (or the whole file) is not a pin as `microblog lock` writes them: not
JSON, a key missing or of the wrong type, or a URL or guid pinned twice. The other lines
still pin their posts; the post of this line is published as without a lock, so its URL,
guid and date may change. Restore the line from git (`git diff urls.lock`), or run
`microblog lock` to write the file again.

MB111 note: post not pinned in urls.lock yet
The site has a urls.lock and this post is not in it: a new post, or one whose pin could not
be matched (then MB112 names the pin). It is published as without a lock. Run `microblog
lock` before you push, so that its URL, guid and date stay when you edit it later.

MB112 warning: pinned post is gone
urls.lock pins a post that no published post matches any more: it was deleted, made a draft,
or changed beyond recognition (see the matching rules in the README). Its URL now shows a
page saying the post was removed (noindex), so no published link breaks, and it leaves the
feeds. If that is what you meant, run `microblog lock` to record the removal; otherwise undo
the change. `build --strict` fails until then.

MB113 warning: pinned post moved to a slug of its own
A `.md` post pinned in urls.lock now has a `slug` in its front matter that differs from its
pinned URL. It is published at the new URL; the old one redirects there (with a canonical
link), and its feed guid stays, so a newsletter does not send it again. Run `microblog lock`
to record the move; `build --strict` fails until then.

MB114 warning: date differs from the pinned date
The post's own date (front matter, the archive's `date`, an export or `date` in site.yaml) is
not the date urls.lock pins. The pinned date is kept, so that the post does not move in the
feeds or get sent again. To publish the new date, run `microblog lock --update-dates`.

MB115 note: URL pinned for another post
A post that is not pinned wants a URL that urls.lock pins for another post (published,
moved or removed). It gets a suffix made from its file and line instead, so a pinned link
never shows another post and a pinned guid is never reused.

MB116 note: post matched its pin by similar text
The post is not word for word what urls.lock pinned, but close enough (a typo fixed, a link
changed) to be the same post, so it keeps its pinned URL, guid and date. Check that it is
the post you edited; then run `microblog lock`, which records its new text, so that later
edits are compared with this one.
"""


@dataclass(frozen=True, slots=True)
class ProblemCode:
    """A problem code: its severity (`severities` holds two only for a code used with two),
    a title for lists, and a paragraph on what it means and what to do."""

    code: str
    severities: tuple[Severity, ...]
    title: str
    text: str

    @property
    def heading(self) -> str:
        """`MB027 warning: Markdown too heavy, shown as text`."""
        return f"{self.code} {' or '.join(s.value for s in self.severities)}: {self.title}"


class UnknownCodeError(LookupError):
    """Not a problem code, or not one of the registry's."""


CODE_FORM = re.compile(r"MB[0-9]{3}")
_HEADING = re.compile(r"(MB[0-9]{3}) ([a-z]+(?: or [a-z]+)?): (\S.*)")


def _parse_table(table: str) -> dict[str, ProblemCode]:
    codes: dict[str, ProblemCode] = {}
    for entry in table.strip().split("\n\n"):
        heading, *lines = entry.split("\n")
        match = _HEADING.fullmatch(heading)
        if match is None or not lines or match[1] in codes:
            raise ValueError(f"malformed or repeated problem code entry: {heading!r}")
        severities = tuple(Severity(name) for name in match[2].split(" or "))
        codes[match[1]] = ProblemCode(match[1], severities, match[3], " ".join(lines))
    return codes


CODES: Mapping[str, ProblemCode] = _parse_table(_TABLE)


def find_code(text: str) -> ProblemCode:
    """The entry of `text` ("MB027", in any case); UnknownCodeError with a one-line reason."""
    code = text.strip().upper()
    if not CODE_FORM.fullmatch(code):
        raise UnknownCodeError(f"{text!r} is not a problem code (they look like MB027)")
    if code not in CODES:
        raise UnknownCodeError(f"there is no problem code {code} ('microblog explain' lists them)")
    return CODES[code]


def explain(text: str, width: int = 79) -> str:
    """The heading and the paragraph of a code, as `microblog explain CODE` prints them."""
    entry = find_code(text)
    return f"{entry.heading}\n\n{textwrap.fill(entry.text, width)}\n"


def list_codes() -> str:
    """Every code's heading, one a line, in order."""
    return "".join(entry.heading + "\n" for entry in CODES.values())
