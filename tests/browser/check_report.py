#!/usr/bin/env python3
"""Load a healthclaims HTML report in headless Chromium and check it, through the DevTools
protocol (Python standard library only: a minimal WebSocket client is below).

Checks: the page loads; no console error, uncaught exception or browser log error (a blocked
external resource would log one, through the page's Content-Security-Policy); no request other
than file:, data: or about:; every chart whose figure says it has data (data-marks > 0) draws at
least that many data marks (circles for the line chart, filled non-white rects for bar charts) at
a visible size; every in-page link (#anchor) has its target; every chart point is a link to a
drill-down table that is hidden until its point is followed, then shown with its sentences. Saves a full-page PNG screenshot and
checks it is a real, non-trivial image.

Usage: check_report.py REPORT.html SCREENSHOT.png [--expect-data]
Prints one line per check and a closing "N passed, N failed"; exits 1 on any failure.
"""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars", "--remote-debugging-port=0",
]


class WebSocket:
    """Just enough RFC 6455 for the DevTools protocol: text frames, masking, fragmentation."""

    def __init__(self, url):
        assert url.startswith("ws://"), url
        hostport, _, path = url[5:].partition("/")
        host, _, port = hostport.partition(":")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        req = (f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(req.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise ConnectionError("websocket handshake: connection closed")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise ConnectionError(f"websocket handshake refused: {head[:200]!r}")

    def send(self, text):
        data = text.encode()
        header = bytearray([0x81])
        n = len(data)
        if n < 126:
            header.append(0x80 | n)
        elif n < 1 << 16:
            header.append(0x80 | 126)
            header += struct.pack(">H", n)
        else:
            header.append(0x80 | 127)
            header += struct.pack(">Q", n)
        mask = os.urandom(4)
        header += mask
        self.sock.sendall(bytes(header) + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(min(n - len(buf), 1 << 20))
            if not chunk:
                raise ConnectionError("websocket closed")
            buf += chunk
        return bytes(buf)

    def recv(self):
        message = bytearray()
        while True:
            b0, b1 = self._exact(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            mask = self._exact(4) if b1 & 0x80 else None
            payload = self._exact(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise ConnectionError("websocket closed by the browser")
            if opcode == 0x9:  # ping -> pong
                self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)
                continue
            if opcode in (0x1, 0x0, 0x2):
                message += payload
                if b0 & 0x80:
                    return message.decode()


class Page:
    def __init__(self, ws):
        self.ws, self.next_id, self.events = ws, 0, []

    def call(self, method, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, method, timeout=30):
        deadline = time.time() + timeout
        seen = 0
        while time.time() < deadline:
            for e in self.events[seen:]:
                if e["method"] == method:
                    return e
            seen = len(self.events)
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(method)

    def drain(self, seconds):
        self.ws.sock.settimeout(seconds)
        try:
            while True:
                msg = json.loads(self.ws.recv())
                if "method" in msg:
                    self.events.append(msg)
        except (socket.timeout, TimeoutError):
            pass
        finally:
            self.ws.sock.settimeout(30)


DOM_CHECK = r"""
(() => {
  const charts = [...document.querySelectorAll('figure.chart')].map(f => {
    const svg = f.querySelector('svg');
    if (!svg) return {id: f.id, expected: +f.dataset.marks, svg: false};
    const box = svg.getBoundingClientRect();
    const filled = [...svg.querySelectorAll('rect')].filter(r => {
      const fill = (r.getAttribute('fill') || '').toUpperCase();
      return fill && fill !== '#FFFFFF' && fill !== 'NONE' && fill !== 'WHITE'
        && r.getBBox().width > 0 && r.getBBox().height > 0;
    }).length;
    return {id: f.id, expected: +f.dataset.marks, svg: true, width: box.width, height: box.height,
            circles: svg.querySelectorAll('circle').length, filledRects: filled,
            lines: svg.querySelectorAll('polyline, path').length, texts: svg.querySelectorAll('text').length};
  });
  const internal = [...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href').slice(1));
  return {
    title: document.title,
    h1: (document.querySelector('h1') || {}).innerText || '',
    scripts: document.scripts.length,
    cards: [...document.querySelectorAll('#totals .card')].map(c => c.innerText.replace(/\s+/g, ' ')),
    quoteRows: document.querySelectorAll('#quotes tbody tr').length,
    appendixItems: document.querySelectorAll('#appendix li').length,
    links: internal.length,
    pointLinks: [...document.querySelectorAll('figure.chart svg a')].map(a => a.getAttribute('href').slice(1)),
    brokenLinks: internal.filter(id => !document.getElementById(decodeURIComponent(id))),
    charts,
  };
})()
"""


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


def png_colours(data, sample=4000):
    """Distinct colours among a sample of pixels of an 8-bit RGB/RGBA PNG (enough to tell a
    rendered page from a blank one)."""
    w, h = png_size(data)
    depth, ctype = data[24], data[25]
    if depth != 8 or ctype not in (2, 6):
        return None
    bpp = 3 if ctype == 2 else 4
    pos, idat = 8, b""
    while pos < len(data):
        n = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    colours = set()
    step = max(1, h // 200)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        if y % step == 0:
            for x in range(0, w, max(1, w // 200)):
                colours.add(bytes(line[x * bpp:x * bpp + 3]))
        prev = line
    return len(colours)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    expect_data = "--expect-data" in sys.argv
    if len(args) != 2:
        sys.exit(__doc__)
    html, shot = os.path.abspath(args[0]), os.path.abspath(args[1])
    exe = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        sys.exit("chromium not found (apt-get install -y chromium)")

    results = []

    def check(name, ok, detail=""):
        results.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + str(detail) if detail and not ok else ''}")

    profile = tempfile.mkdtemp(prefix="hc-chromium-")
    proc = subprocess.Popen([exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + 60
        while not (os.path.exists(port_file) and open(port_file).read().count("\n") >= 1):
            if proc.poll() is not None:
                sys.exit(f"chromium exited: {proc.stderr.read().decode(errors='replace')[-2000:]}")
            if time.time() > deadline:
                sys.exit("chromium did not open its DevTools port")
            time.sleep(0.1)
        port = int(open(port_file).read().split()[0])
        req = urllib.request.Request(f"http://127.0.0.1:{port}/json/new?about:blank", method="PUT")
        target = json.load(urllib.request.urlopen(req, timeout=30))
        page = Page(WebSocket(target["webSocketDebuggerUrl"]))
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.call(f"{domain}.enable")
        page.call("Emulation.setDeviceMetricsOverride", width=1200, height=900, deviceScaleFactor=1, mobile=False)
        page.call("Page.navigate", url="file://" + html)
        page.wait_event("Page.loadEventFired")
        page.drain(1.0)

        errors = []
        requests = []
        for e in page.events:
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                errors.append("console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            elif m == "Runtime.exceptionThrown":
                errors.append("exception: " + p["exceptionDetails"].get("text", ""))
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                errors.append("log: " + p["entry"].get("text", ""))
            elif m == "Network.requestWillBeSent":
                requests.append(p["request"]["url"])
        check("page loads", True)
        check("no console errors", not errors, errors)
        external = [u for u in requests if not u.startswith(("file:", "data:", "about:"))]
        check("no network requests", not external, external)

        res = page.call("Runtime.evaluate", expression=DOM_CHECK, returnByValue=True)
        dom = res["result"]["value"]
        check("title", "healthclaims report" in dom["title"], dom["title"])
        check("heading", dom["h1"].startswith("Hedging"), dom["h1"])
        check("no scripts", dom["scripts"] == 0, dom["scripts"])
        check("totals shown", len(dom["cards"]) >= 6, dom["cards"])
        check("in-page links resolve", not dom["brokenLinks"], dom["brokenLinks"])
        check("three charts", len(dom["charts"]) == 3, [c["id"] for c in dom["charts"]])
        for c in dom["charts"]:
            if c["expected"] > 0:
                marks = c["circles"]
                check(f"{c['id']} draws its {c['expected']} data marks", c["svg"] and marks >= c["expected"], c)
                check(f"{c['id']} is visible", c["width"] > 300 and c["height"] > 150, c)
                check(f"{c['id']} has axis labels", c["texts"] >= 4, c)
            else:
                check(f"{c['id']} says it has no data", not c["svg"], c)
        total_marks = sum(c["expected"] for c in dom["charts"])
        check("every chart point links to a drill-down", len(dom["pointLinks"]) == total_marks, (len(dom["pointLinks"]), total_marks))
        drill = r"""(id => { const el = document.getElementById(id); if (!el) return null;
            return {display: getComputedStyle(el).display, rows: el.querySelectorAll('tbody tr').length,
                    height: el.getBoundingClientRect().height}; })"""
        for target in sorted(set(dom["pointLinks"]))[:5]:
            before = page.call("Runtime.evaluate", returnByValue=True, expression=f"{drill}({json.dumps(target)})")["result"]["value"]
            page.call("Runtime.evaluate", expression=f"document.querySelector('figure.chart svg a[href=\"#{target}\"]').dispatchEvent(new MouseEvent('click', {{bubbles: true}}))")
            page.drain(0.2)
            after = page.call("Runtime.evaluate", returnByValue=True, expression=f"{drill}({json.dumps(target)})")["result"]["value"]
            check(f"drill-down #{target}: hidden, then shown with its sentences on click",
                  before and before["display"] == "none" and after and after["display"] != "none" and after["rows"] > 0 and after["height"] > 40,
                  (before, after))
        if expect_data:
            check("every chart has data", all(c["expected"] > 0 for c in dom["charts"]), dom["charts"])
            check("quote table has rows", dom["quoteRows"] > 0, dom["quoteRows"])
            check("quote links reach the appendix", dom["links"] > 0 and dom["appendixItems"] > 0, dom)

        metrics = page.call("Page.getLayoutMetrics")
        height = int(metrics.get("cssContentSize", metrics.get("contentSize"))["height"])
        shot_res = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                             clip={"x": 0, "y": 0, "width": 1200, "height": min(height, 12000), "scale": 1})
        data = base64.b64decode(shot_res["data"])
        os.makedirs(os.path.dirname(shot), exist_ok=True)
        with open(shot, "wb") as f:
            f.write(data)
        w, h = png_size(data)
        check("screenshot saved", w == 1200 and h >= 600, (w, h))
        # Count colours on a quarter-scale copy (pure-Python PNG decoding is slow).
        thumb = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": 1200, "height": min(height, 12000), "scale": 0.25})
        colours = png_colours(base64.b64decode(thumb["data"]))
        check("screenshot is not blank", colours is None or colours >= (12 if expect_data else 4), colours)
        print(f"screenshot: {shot} ({w}x{h}, {len(data)} bytes)")
        # One image per section too, for reviewing the layout at full resolution.
        boxes = page.call("Runtime.evaluate", returnByValue=True, expression="""
          [...document.querySelectorAll('main > section[id]')].map(s => {
            const r = s.getBoundingClientRect();
            return {id: s.id, x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height};
          })""")["result"]["value"]
        for b in boxes:
            part = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                             clip={"x": b["x"], "y": b["y"], "width": b["w"], "height": min(b["h"], 4000), "scale": 1})
            with open(shot[:-4] + f"-{b['id']}.png", "wb") as f:
                f.write(base64.b64decode(part["data"]))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)

    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
