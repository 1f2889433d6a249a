"""Before/after screenshots for issue 23 in 中文 at 1280×720. usage: ba.py BASE_URL PREFIX OLD(0/1)"""
import sys
from playwright.sync_api import sync_playwright
base, prefix, old = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
part = "lab" if old else "part"
IDLE = ("() => { const a = document.querySelector(\"[data-testid='stApp']\");"
        " return a && a.getAttribute('data-test-script-state') === 'notRunning'"
        " && !document.querySelector(\"[data-testid='stSkeleton']\"); }")

def settle(pg):
    pg.wait_for_selector("[data-testid='stApp']", timeout=180000)
    for _ in range(2):
        pg.wait_for_function(IDLE, timeout=180000); pg.wait_for_timeout(1200)

def lang(pg, name):
    pg.locator("[data-testid='stSidebar']").get_by_role("radio", name=name, exact=True).first.click()
    pg.wait_for_timeout(500); settle(pg)

def scroll(pg, px):
    pg.evaluate(f"() => document.querySelector(\"[data-testid='stMain']\").scrollTo(0, {px})"); pg.wait_for_timeout(800)

SCENES = {
  "1-optimizers-switch": ("/optimizers?lang=zh", 1.0, ["en", "zh"], 0),
  "1-critical-switch": ("/critical?lang=zh&cp_surface=Rosenbrock&cp_x=1.0&cp_y=1.0&cp_win=0.25", 1.0, ["en", "zh"], 0),
  "2-rnn-stepper": ("/rnn?lang=zh", 1.0, [], 420),
  "4-optimizers-150": ("/optimizers?lang=zh", 1.5, [], 0),
  "4-convolution-draw": (f"/convolution?lang=zh&{part}=draw", 1.0, [], 350),
  "4-convolution-pool": (f"/convolution?lang=zh&{part}=pool", 1.0, [], 250),
  "4-critical": ("/critical?lang=zh", 1.0, [], 0),
  "4-tooltip": ("/regression?lang=zh", 1.0, ["hover"], 0),
}
only = sys.argv[4].split(",") if len(sys.argv) > 4 else list(SCENES)
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
    for name in only:
        path, zoom, acts, px = SCENES[name]
        ctx = b.new_context(viewport={"width": int(1280 / zoom), "height": int(720 / zoom)}, device_scale_factor=zoom, locale="zh-CN")
        pg = ctx.new_page(); pg.goto(base + path, timeout=300000); settle(pg)
        for a in acts:
            if a == "en": lang(pg, "English")
            elif a == "zh": lang(pg, "中文")
            elif a == "hover":
                pg.locator(".st-key-dlc-presets button, [class*='st-key-preset-'] button").first.hover(); pg.wait_for_timeout(1500)
        if px: scroll(pg, px)
        pg.screenshot(path=f"/tmp/ba/{name}-{prefix}.png"); print(name, pg.url); ctx.close()
    b.close()
