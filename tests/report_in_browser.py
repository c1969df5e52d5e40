#!/usr/bin/env python3
"""`tenet report` in a real browser: headless Chromium (Debian `chromium`), network disabled.

Renders the report of the bundled heuristics on the bundled sample portfolio, and drives the
browser over the DevTools protocol (--remote-debugging-pipe: no port, no library) to check:
- no request left the page: every request the page made (Network.requestWillBeSent) is the
  report file itself (the browser's own update checks are not the page's, and are refused by
  the disabled network anyway);
- the script ran without an exception, and a click on a header sorts its table;
- the numbers shown (text, not attributes) equal those of `tenet batch --summary` over the same
  portfolio: records, decided, errors, provisional, every decision, every rule's counts; every
  rule of the policy appears in the rules table;
- a screenshot of the page is a PNG of the window's width.

Usage: report_in_browser.py TENET POLICY PORTFOLIO WORKDIR [SCREENSHOT.png]
(docs/report.png is made by giving that last argument.)
"""
import base64
import json
import os
import struct
import subprocess
import sys

from script_checks import expect

tenet, policy, portfolio, work = sys.argv[1:5]
screenshot = sys.argv[5] if len(sys.argv) > 5 else os.path.join(work, "report.png")
os.makedirs(work, exist_ok=True)
report = os.path.abspath(os.path.join(work, "report.html"))
summary_path = os.path.join(work, "report-summary.json")

p = subprocess.run([tenet, "report", policy, portfolio, "-o", report, "--by", "acquired_for", "--histogram", "satisfaction",
                    "--run-date", "2026-11-29", "--quiet"], capture_output=True, text=True)
expect("tenet report writes the page", p.returncode == 0, p.stderr)
p = subprocess.run([tenet, "batch", policy, portfolio, "-o", os.devnull, "--summary", summary_path, "--quiet"], capture_output=True, text=True)
expect("tenet batch writes the summary", p.returncode in (0, 3), p.stderr)
summary = json.load(open(summary_path))


class Browser:
    """Chromium over --remote-debugging-pipe: JSON messages, each ended by a NUL byte, on fds 3 and 4."""

    def __init__(self):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # The child's fds 3 and 4 must be these pipes: moved there before exec (os.dup2 makes
        # them inheritable; every other fd of ours is not, and closes on exec).
        def child_fds():
            read_end, write_end = os.dup(to_chrome_r), os.dup(from_chrome_w)  # off 3 and 4 first, whatever they are
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)
        self.process = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--proxy-server=http://127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1200,1600",
             "--hide-scrollbars", "about:blank"],
            close_fds=False, preexec_fn=child_fds, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    sys.exit(f"FAILED: {method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def receive(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                sys.exit("FAILED: chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_for(self, method):
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        while True:
            event = self.receive()
            if event.get("method") == method:
                return event
            self.events.append(event)

    def close(self):
        try:
            self.send("Browser.close")
        except SystemExit:
            pass
        self.process.wait(timeout=30)


browser = Browser()
target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
for domain in ("Network", "Page", "Runtime"):
    browser.send(f"{domain}.enable", session=session)
browser.send("Emulation.setDeviceMetricsOverride", {"width": 1200, "height": 1600, "deviceScaleFactor": 1, "mobile": False},
             session=session)
url = "file://" + report
browser.send("Page.navigate", {"url": url}, session=session)
browser.wait_for("Page.loadEventFired")

requests = [e["params"]["request"]["url"] for e in browser.events
            if e.get("method") == "Network.requestWillBeSent" and e.get("sessionId") == session]
expect(f"the page made one request, for itself ({requests})", requests == [url])
exceptions = [e for e in browser.events if e.get("method") == "Runtime.exceptionThrown"]
expect("the page's script threw nothing", not exceptions, str(exceptions))


def evaluate(expression):
    result = browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
    expect(f"evaluated in the page: {' '.join(expression.split())[:70]}", "exceptionDetails" not in result, str(result))
    return result["result"].get("value")


shown = json.loads(evaluate("""JSON.stringify({
  counts: Object.fromEntries(Array.from(document.querySelectorAll('[data-count]')).map(e => [e.dataset.count, e.textContent])),
  decisions: Object.fromEntries(Array.from(document.querySelectorAll('#decisions tbody tr')).map(r => [r.cells[0].textContent, r.cells[1].textContent])),
  rules: Object.fromEntries(Array.from(document.querySelectorAll('#rules tbody tr')).map(r =>
    [r.querySelector('code').textContent, Array.from(r.cells).slice(2, 6).map(c => c.textContent)])),
  sortable: document.querySelectorAll('th[aria-sort]').length
})"""))
for name in ("records", "decided", "errors", "provisional"):
    expect(f"{name}: {shown['counts'].get(name)} shown, {summary[name]} in the summary", shown["counts"].get(name) == str(summary[name]))
expect("every decision of the summary, with its count, and no other",
       shown["decisions"] == {k: str(v) for k, v in summary["decisions"].items()}, f"{shown['decisions']}\n{summary['decisions']}")
expect(f"every rule of the policy is in the rules table ({len(summary['rules'])})", set(shown["rules"]) == set(summary["rules"]))
for rule, counts in summary["rules"].items():
    expected = [str(counts[k]) for k in ("fired", "chosen", "overridden", "unknown")]
    expect(f"rule {rule}: fired, chosen, overridden, unknown {expected}", shown["rules"].get(rule) == expected, str(shown["rules"].get(rule)))
expect("the script made the headers sortable", shown["sortable"] > 0)

# A click on "Records" sorts the decisions ascending, a second click descending.
order = []
for _ in range(2):
    order.append(json.loads(evaluate("""(() => {
      document.querySelector('#decisions th:nth-child(2)').click();
      return JSON.stringify(Array.from(document.querySelectorAll('#decisions tbody tr')).map(r => +r.cells[1].textContent));
    })()""")))
expect("a click sorts by records, ascending", order[0] == sorted(order[0]), str(order[0]))
expect("a second click sorts descending", order[1] == sorted(order[1], reverse=True), str(order[1]))
evaluate("location.reload()")
browser.wait_for("Page.loadEventFired")

shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
png = base64.b64decode(shot["data"])
with open(screenshot, "wb") as f:
    f.write(png)
width, height = struct.unpack(">II", png[16:24])
expect(f"the screenshot is a PNG of the window ({width}x{height})", png[:8] == b"\x89PNG\r\n\x1a\n" and width == 1200 and height == 1600)
browser.close()
print(f"report checked in Chromium: {len(shown['rules'])} rules, {len(shown['decisions'])} decisions; screenshot {screenshot}")
