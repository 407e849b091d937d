"""Take headless screenshots of running pages, to look at them (developer tool, not a test).

    .venv/bin/python scripts/screenshot.py --user women_caseworker /home/ /inbox/
    .venv/bin/python scripts/screenshot.py --phone --lang en /
Writes PNGs to var/screenshots/. Privileged demo users need TOTP; the script sets it up by
reading the key from the setup page, as a person would type it into an app.
"""

import argparse
import base64
import hashlib
import hmac
import re
import struct
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

PASSWORD = "Shuniu#2026demo"  # noqa: S105 - the printed demo password
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def totp(secret: str, at: float | None = None) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user")
    parser.add_argument("--phone", action="store_true")
    parser.add_argument("--lang", default="zh-hans")
    parser.add_argument("--out", default="var/screenshots")
    parser.add_argument("--full", action="store_true", help="full-page screenshot")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        viewport = {"width": 390, "height": 844} if args.phone else {"width": 1366, "height": 900}
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        context.add_cookies([{"name": "django_language", "value": args.lang, "url": args.base}])
        page = context.new_page()
        if args.user:
            page.goto(f"{args.base}/accounts/login/")
            page.fill("input[name=username]", args.user)
            page.fill("input[name=password]", PASSWORD)
            page.click("#main form button[type=submit]")
            if "/two-factor/setup/" in page.url:
                secret = page.inner_text("code.user-select-all").strip()
                Path(out / f"{args.user}.totp").write_text(secret)
                page.fill("input[name=token]", totp(secret))
                page.click("#main form button[type=submit]")
            elif "/two-factor/verify/" in page.url:
                secret = Path(out / f"{args.user}.totp").read_text().strip()
                page.fill("input[name=token]", totp(secret))
                page.click("#main form button[type=submit]")
        for path in args.paths:
            page.goto(args.base + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1500)  # let charts finish their animation
            name = re.sub(r"[^a-zA-Z0-9]+", "_", path).strip("_") or "root"
            file = out / f"{args.user or 'anon'}_{name}_{args.lang}{'_phone' if args.phone else ''}.png"
            page.screenshot(path=str(file), full_page=args.full)
            print(file)
        browser.close()


if __name__ == "__main__":
    main()
