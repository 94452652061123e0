"""Write examples/articles/warc/arctic-post-2024-03.warc.gz: a small crawl of two news pages.

The sample corpus keeps its WARC as generated output so the pages stay readable here; rerun
``.venv/bin/python examples/make_warc.py`` after editing them. Per page a request record and an
HTML response record (one page has a meta date, the other only its WARC-Date), plus one non-HTML
response that ingest skips.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

OUT = Path(__file__).parent / "articles" / "warc" / "arctic-post-2024-03.warc.gz"

PAGES = [
    (
        "https://arcticpost.example/news/2024/03/15/finnmark-fishermen-protest",
        "2024-03-15T11:02:00Z",
        """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Finnmark fishermen protest cod quota cut | Arctic Post</title>
<meta property="og:site_name" content="Arctic Post">
<meta property="article:published_time" content="2024-03-15T10:30:00+01:00">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a>
<a href="/fisheries">Fisheries</a></nav>
<article><h1>Finnmark fishermen protest cod quota cut</h1>
<p>Around 150 fishing boats blocked the harbour in Honningsvåg on Friday in protest against this
year's 20 per cent cut to the Barents Sea cod quota, agreed by Norway and Russia earlier this
week.</p>
<p>"They cut the quota in Tromsø, but the bill comes to us," said Tor Eriksen, chairman of the
Finnmark boat owners' association. He said small coastal vessels would lose up to a third of their
income this year.</p>
<p>Fisheries Minister Ingrid Halvorsen defended the decision. The minister said the spawning stock
had to recover and promised a support package for coastal communities before the summer.</p>
<p>The Russian side has also come under pressure at home. Gennady Vorobiev, who led Russia's
delegation, told Russian media that the quota would be reviewed if the joint research surveys
showed the stock recovering faster than expected.</p>
</article><footer>© Arctic Post 2024 · Contact · Subscribe</footer></body></html>""",
    ),
    (
        "https://arcticpost.example/news/2024/03/18/svalbard-coal-mine-closure",
        "2024-03-18T08:45:00Z",
        """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Last Norwegian coal mine on Svalbard to close in 2025 | Arctic Post</title>
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Last Norwegian coal mine on Svalbard to close in 2025</h1>
<p>Norway's last coal mine on Svalbard will close in the autumn of 2025, two years later than first
planned, the state-owned mining company Nordkull said on Monday.</p>
<p>Chief executive Hanne Solberg said the delay would allow the mine to supply the Longyearbyen
power plant until a new energy system was ready. "We will not leave the town without power," she
said.</p>
<p>The mine produced about 60,000 tonnes of coal last year and employs 80 people.</p>
</article><footer>© Arctic Post 2024</footer></body></html>""",
    ),
]


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, when, html in PAGES:
            request = writer.create_warc_record(
                url,
                "request",
                payload=BytesIO(b""),
                http_headers=StatusAndHeaders(
                    "GET / HTTP/1.1", [("Host", url.split("/")[2])], is_http_request=True
                ),
                warc_headers_dict={"WARC-Date": when},
            )
            writer.write_record(request)
            body = html.encode("utf-8")
            headers = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
                protocol="HTTP/1.1",
            )
            response = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": when},
            )
            writer.write_record(response)
        image = b"\x89PNG\r\n\x1a\n" + bytes(64)
        writer.write_record(
            writer.create_warc_record(
                "https://arcticpost.example/static/logo.png",
                "response",
                payload=BytesIO(image),
                http_headers=StatusAndHeaders(
                    "200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1"
                ),
                warc_headers_dict={"WARC-Date": "2024-03-18T08:45:01Z"},
            )
        )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
