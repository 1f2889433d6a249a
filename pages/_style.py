"""The page furniture's style sheet: what every page injects once (titles, wrapping labels and buttons, narrow
screens such as a projector at 150 % zoom). Kept apart from the kit's logic."""

# A projector is 1280×720: the title sits close to the top, headings are smaller, and long formulas and
# metric values wrap or scroll inside their box instead of being cut.
CSS = """<style>
.stMainBlockContainer { padding-top: 3.9rem; padding-bottom: 3rem; }
/* the header holds the course's navigation (every page one click away, the sidebar's first screen left to the
   language): opaque, so text scrolled under it does not run into the menus; the page starts below it (3.75rem) */
[data-testid='stSidebarNav'] *, [data-testid='stSidebarNavLink'] * { white-space: normal !important; }
[data-testid='stCheckbox'] [data-testid='stMarkdownContainer'] p, [data-testid='stWidgetLabel'] p {
  white-space: normal !important; overflow-wrap: anywhere; }
.stMainBlockContainer h1 { font-size: 2.0rem; padding: 0 0 0.2rem 0; }
.stMainBlockContainer h2 { font-size: 1.55rem; padding: 0.6rem 0 0.2rem 0; }
.stMainBlockContainer h3 { font-size: 1.25rem; padding: 0.4rem 0 0.1rem 0; }
.katex-display { overflow-x: auto; overflow-y: hidden; padding: 0.1rem 0; }
/* "Try this": a wrapping row of buttons as wide as their labels, close together (one row on most pages) */
.st-key-dlc-presets { column-gap: 0.45rem !important; row-gap: 0.4rem !important; }
.st-key-dlc-presets [data-testid^='stBaseButton'] { padding: 0.25rem 0.65rem; min-height: 2.3rem; }
/* a Try-this button's tooltip opens above the row, over the page's title and intro: moved below the button (the
   tooltip is positioned by an inline transform; ``translate`` adds to it: its own height, the button's, two gaps) */
body:has(.st-key-dlc-presets button:hover) div:has(> [data-testid='stTooltipContent']) {
  translate: 0 calc(100% + 2.4rem + 20px); }
[data-testid='stMetricValue'] > div { white-space: normal; overflow-wrap: anywhere; font-size: 1.55rem; }
[data-testid='stMetricLabel'] p { white-space: normal; }
[data-testid='stBaseButton-secondary'] p, [data-testid='stBaseButton-primary'] p { white-space: normal; }
/* a narrow main area (150% zoom, a small laptop): columns wrap instead of squeezing words and charts */
@media (max-width: 1100px) {
  [data-testid='stHorizontalBlock'] { flex-wrap: wrap; row-gap: 0.5rem; }
  [data-testid='stColumn'] { min-width: min(100%, 15rem); flex: 1 1 15rem !important; }
  /* the "Try this" buttons smaller, so the experiment is not pushed screens down */
  .st-key-dlc-presets [data-testid^='stBaseButton'] { min-height: 2rem; padding: 0.15rem 0.4rem; }
  .st-key-dlc-presets [data-testid^='stBaseButton'] p { font-size: 0.85rem; line-height: 1.25; }
  .stMainBlockContainer h1 { font-size: 1.6rem; }
  .stMainBlockContainer { padding-top: 3.9rem; }
  .stMainBlockContainer [data-testid='stVerticalBlock'] { gap: 0.6rem; }
}
</style>"""
