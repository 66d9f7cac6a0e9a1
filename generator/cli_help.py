"""The long help of ``papers`` commands (click epilogs): examples and the rules a user needs,
shown by ``papers <command> --help`` and in the handbook's command reference."""

EPILOG_IMPORT = """\b
Examples:
  papers import saved/                                    # a folder of API responses
  papers import 2025-10-15.json                           # one saved API response
  papers import --year 2025 page.txt                      # a plain-text page scrape
  papers import --captured-at 2025-10-16T09:00Z day.json  # say when it was captured
  papers import --trending trending.json                  # a saved ?sort=trending answer

\b
Which parser reads a file is decided by its suffix:
  .json  a saved Daily Papers API response (a JSON array). Its daily date is each entry's
         paper.submittedOnDailyAt; older entries lack it, so the date comes from --date or
         from a YYYY-MM-DD in the file name.
  .html  a saved Daily Papers HTML page (the JSON in its data-props), dated like .json.
  --trending: each .json is a saved answer of the trending list; it is kept in data/trending/
         (by its capture time), and its papers join data/ on the days their entries name.
  .txt   a plain-text scrape of the Daily Papers page. Its date line ("Sep 10") has no year:
         --date gives the full date, --year the year; otherwise the year is inferred as the
         latest one in which that day is not in the future (so pass --year for old scrapes).

\b
When captures disagree, text fields (title, abstract, AI summary, repository, project page...)
come from the latest capture, whatever the order they are imported in (counts take the
largest value; an empty field never erases; a .txt scrape only fills gaps). A file's capture
time is, in order: --captured-at (ISO 8601, UTC unless a zone is given); a UTC time in its
name (2025-10-15T14-03-00Z.json); the latest time in its content (publishedAt,
submittedOnDailyAt, ...: it was captured after all of them); the day it is dated, at 00:00 UTC.

A paper listed twice in one file is stored once: identical entries silently, differing ones
merged by the same rules, with a "note:" naming the file and the entries.

In folders, README/LICENSE/MANIFEST-like files are skipped. Each file is parsed completely
before anything is stored: a bad file changes nothing, the others are still imported, and the
run exits 1 naming the bad files. Importing the same files again changes no file.
"""


EPILOG_FETCH = """\b
Examples:
  papers fetch                                   # today (New York) and the last 3 days
  papers fetch --days 7                          # a wider refresh window
  papers fetch --date 2025-10-15                 # one day
  papers fetch --since 2024-05-27 --until 2024-06-30   # a backfill; resumes if interrupted

\b
Each day is asked with limit=100 and paged until a short page. When the API fails for a day
(after retries) or answers with something that is not a list of papers, the day's HTML page is
read instead (extra.papers.html_fallback). A failed day changes nothing; the others are stored,
and the run exits 1 naming each failed day and URL. An empty or shorter answer never removes a
stored paper. Then the trending list (?sort=trending, extra.papers.trending papers long) is
kept in data/trending/ and its papers join data/; a failed trending answer changes nothing and
counts as a failure. HF_ENDPOINT sets the Hugging Face base URL, HF_TOKEN an optional token.
"""


EPILOG_HUB = """\b
Examples:
  papers hub                                   # papers of today (New York) and the last 3 days
  papers hub --days 7                          # a wider window
  papers hub --date 2025-10-15                 # the papers of one day
  papers hub --since 2025-10-01 --until 2025-10-31   # a month (3 requests a paper)

\b
For each paper of those days, asks the Hub three questions: the models, datasets and Spaces
tagged arxiv:<id> (a repository's card links the paper), the first extra.papers.hub_limit of
each, most downloaded first (Spaces: most liked). Requests share extra.papers.http_concurrency
and the retry rules. A paper whose request fails changes nothing; an empty answer never erases
stored repositories; papers nothing cites add nothing to their records. `papers update` runs
this for the days it fetches. HF_ENDPOINT sets the Hugging Face base URL, HF_TOKEN an optional
token (private repositories it could see are never stored).
"""


EPILOG_SEARCH = """\b
Examples:
  papers search "diffusion transformer"              # papers with every word first
  papers search "chain of thought" --sort upvotes -n 20
  papers search agents --since 2025-01-01 --org nvidia --has-code
  papers search https://arxiv.org/abs/2405.12345v2   # an arXiv id, as pasted
  papers search transfomer                           # a typo finds "transformer"
  papers search "how can robots learn from videos of people"   # by meaning too
  papers search 'author:"Kaiming He"'                # one author's papers, newest first
  papers search 'author:"Kaiming He" segmentation'   # ... with these words

\b
Searches every paper in data/ (the site's topic filter applies), ranked exactly as the site's
search box ranks them: papers matching every word first, then those near the query in meaning
(extra.papers.semantic), then those matching fewer words. The last word also matches as a
prefix unless the query ends with a space. author:"Name" (or author:Name, one word) keeps
one author's papers: case, accents and punctuation aside, initials apart ("J. Smith" is not
"John Smith"); two of them, the papers both wrote. It reads the index `papers build` wrote,
rebuilding it first if data/ changed since.
"""
