/**
 * A small hand-written SVG: one panel per scenario, stacked; in each panel a few bar groups (one per metric),
 * one bar per target. Each group is scaled to its own maximum, so only bars of one group compare.
 */
export interface Panel {
  title: string
  groups: Array<{ label: string; bars: Array<{ name: string; value: number }> }>
}

const COLORS: Record<string, string> = {
  floor: '#4e79a7',
  socketio: '#f28e2b',
  'parley-pg': '#e15759',
  'parley-embedded': '#76b7b2',
}
const [WIDTH, PANEL_H, BAR_W, GAP, PLOT_H] = [720, 250, 36, 6, 150]

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
const label = (v: number) => (!Number.isFinite(v) ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1))

function panelSvg(panel: Panel, top: number): string[] {
  const parts = [`<text x="10" y="${top + 18}" font-size="14" font-weight="bold">${esc(panel.title)}</text>`]
  const groupW = (WIDTH - 20) / Math.max(panel.groups.length, 1)
  const base = top + 40 + PLOT_H
  panel.groups.forEach((g, gi) => {
    const x0 = 20 + gi * groupW
    const max = Math.max(...g.bars.map((b) => b.value).filter(Number.isFinite), 1e-9)
    parts.push(`<text x="${x0}" y="${top + 36}" font-size="12">${esc(g.label)}</text>`)
    g.bars.forEach((b, i) => {
      const h = Number.isFinite(b.value) ? (b.value / max) * (PLOT_H - 20) : 0
      const x = x0 + i * (BAR_W + GAP)
      parts.push(
        `<rect x="${x}" y="${base - h}" width="${BAR_W}" height="${h}" fill="${COLORS[b.name] ?? '#999'}"/>`,
        `<text x="${x + BAR_W / 2}" y="${base - h - 4}" font-size="10" text-anchor="middle">${label(b.value)}</text>`,
      )
    })
  })
  return parts
}

export function renderChart(panels: Panel[]): string {
  const height = panels.length * PANEL_H + 30
  const parts = panels.flatMap((p, i) => panelSvg(p, i * PANEL_H))
  Object.entries(COLORS).forEach(([name, color], i) => {
    parts.push(
      `<rect x="${20 + i * 160}" y="${height - 22}" width="10" height="10" fill="${color}"/>`,
      `<text x="${34 + i * 160}" y="${height - 13}" font-size="11">${name}</text>`,
    )
  })
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`
  )
}
