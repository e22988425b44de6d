package dev.coxswain.server.ui.browser;

import com.microsoft.playwright.Page;
import java.util.ArrayList;
import java.util.List;

/**
 * Accessibility and layout smoke checks run inside the page: one h1; every form control named by
 * a label or aria-label; buttons and links with a name; text contrast at least WCAG AA (4.5:1,
 * 3:1 for large text) against the background it is drawn on; and at phone width nothing wider than
 * the screen (wide tables scroll inside their own box, not the page). Each returns sentences
 * naming the offending element, empty when the page passes.
 */
final class PageChecks {
    private PageChecks() {
    }

    private static final String STRUCTURE = """
            () => {
              const out = [];
              const describe = el => el.outerHTML.replace(/\\s+/g, ' ').slice(0, 140);
              const h1 = document.querySelectorAll('h1');
              if (h1.length !== 1) out.push(h1.length + ' h1 elements (want exactly one)');
              document.querySelectorAll('input:not([type=hidden]), select, textarea').forEach(el => {
                const named = (el.labels && Array.from(el.labels).some(l => l.textContent.trim() !== ''))
                  || (el.getAttribute('aria-label') || '').trim() !== '' || el.hasAttribute('aria-labelledby');
                if (!named) out.push('form control without a label: ' + describe(el));
              });
              document.querySelectorAll('button, a[href], summary').forEach(el => {
                const name = (el.textContent || '').trim() || el.getAttribute('aria-label') || el.getAttribute('title');
                if (!name) out.push('control without a name: ' + describe(el));
              });
              document.querySelectorAll('img').forEach(el => { if (!el.hasAttribute('alt')) out.push('img without alt: ' + describe(el)); });
              const ids = new Map();
              document.querySelectorAll('[id]').forEach(el => ids.set(el.id, (ids.get(el.id) || 0) + 1));
              ids.forEach((n, id) => { if (n > 1) out.push('id "' + id + '" used ' + n + ' times'); });
              if (!document.documentElement.lang) out.push('html without lang');
              if (!document.title.trim()) out.push('empty title');
              return out;
            }""";

    /**
     * WCAG relative luminance contrast of each element that draws text itself, against the first
     * opaque background up its ancestors (translucent ones are blended in). Disabled controls and
     * invisible elements are exempt, as WCAG exempts them.
     */
    private static final String CONTRAST = """
            () => {
              const out = [];
              const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
                const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
              const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
              const blend = (top, under) => { const a = top[3]; return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat(1); };
              const background = el => {
                const layers = [];
                for (let e = el; e; e = e.parentElement) {
                  const c = parse(getComputedStyle(e).backgroundColor);
                  if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
                }
                let bg = [255, 255, 255, 1];
                for (let i = layers.length - 1; i >= 0; i--) bg = blend(layers[i], bg);
                return bg;
              };
              const seen = new Set();
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                if (!n.textContent.trim()) continue;
                const el = n.parentElement;
                if (!el || seen.has(el)) continue;
                seen.add(el);
                if (el.closest('[disabled], [aria-hidden=true], svg, .u-legend .u-off')) continue;
                const s = getComputedStyle(el);
                if (s.visibility === 'hidden' || s.display === 'none') continue;
                const r = el.getBoundingClientRect();
                if (r.width === 0 || r.height === 0 || r.right < 0 || r.bottom < 0) continue;
                let opacity = 1;
                for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
                const bg = background(el);
                let fg = parse(s.color);
                if (!fg) continue;
                fg = blend([fg[0], fg[1], fg[2], fg[3] * opacity], bg);
                const l1 = lum(fg), l2 = lum(bg);
                const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
                const size = parseFloat(s.fontSize), bold = Number(s.fontWeight) >= 700;
                const large = size >= 24 || (bold && size >= 18.66);
                const need = large ? 3 : 4.5;
                if (ratio < need) out.push('contrast ' + ratio.toFixed(2) + ':1 (need ' + need + ') for "'
                  + n.textContent.trim().slice(0, 40) + '" in <' + el.tagName.toLowerCase()
                  + (el.className ? ' class="' + el.className + '"' : '') + '> (' + s.color + ' on rgb(' + bg.slice(0, 3).map(Math.round) + '))');
              }
              return out;
            }""";

    /** Elements sticking out past the right edge of the screen, and whether the page scrolls sideways. */
    private static final String OVERFLOW = """
            () => {
              const out = [];
              const w = document.documentElement.clientWidth;
              if (document.documentElement.scrollWidth > w + 1) out.push('the page scrolls sideways: '
                + document.documentElement.scrollWidth + ' px wide on a ' + w + ' px screen');
              const culprits = [];
              document.querySelectorAll('body *').forEach(el => {
                const r = el.getBoundingClientRect();
                if (r.right <= w + 1 || r.width === 0) return;
                // Inside a box that scrolls (a table wrapper, a log) or clips is fine.
                for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
                  const o = getComputedStyle(p).overflowX;
                  if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return;
                }
                if (!culprits.some(c => c.contains(el))) culprits.push(el);
              });
              culprits.slice(0, 5).forEach(el => out.push('wider than the screen (right edge '
                + Math.round(el.getBoundingClientRect().right) + ' px): <' + el.tagName.toLowerCase()
                + (el.className && typeof el.className === 'string' ? ' class="' + el.className + '"' : '') + '> '
                + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60)));
              return out;
            }""";

    static List<String> structure(Page p) {
        return strings(p.evaluate(STRUCTURE));
    }

    static List<String> contrast(Page p) {
        return strings(p.evaluate(CONTRAST));
    }

    static List<String> overflow(Page p) {
        return strings(p.evaluate(OVERFLOW));
    }

    /**
     * The checks that matter at this width: structure at desktop width (the markup is the same at
     * both), contrast at both (the phone's text is smaller, so less of it counts as large), overflow
     * at phone width, where it happens.
     */
    static List<String> all(Page p, BrowserSupport.Viewport v) {
        List<String> out = new ArrayList<>(v == BrowserSupport.Viewport.DESKTOP ? structure(p) : overflow(p));
        out.addAll(contrast(p));
        return out;
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) l.forEach(x -> out.add(String.valueOf(x)));
        return out;
    }
}
