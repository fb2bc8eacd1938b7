/** Self and total time per function from a V8 .cpuprofile (the format `node --cpu-prof` writes). */

export interface CpuProfile {
  nodes: Array<{
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number }
    children?: number[]
  }>
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

/** CLOCK_MONOTONIC µs, the clock of the profile's timestamps. */
export interface Window {
  fromUs: number
  toUs: number
}

export interface FunctionTimes {
  self: Map<string, number>
  totalSorted: Array<[string, number]>
  /** Self time by package (node_modules/<pkg>), Parley folder (src/<dir>), node:<module> or V8 pseudo-frame. */
  areaSelf: Map<string, number>
  sampledUs: number
  idleUs: number
}

type Frame = CpuProfile['nodes'][number]['callFrame']

function shortUrl(url: string, root: string): string {
  const path = url.replace(/^file:\/\//, '')
  const modules = path.indexOf('/node_modules/')
  if (modules >= 0) return path.slice(modules + 1)
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path
}

/** V8's own entries, "(garbage collector)" and the like, or "(native) writev" for a C++ binding called from JS. */
const nativeName = (frame: Frame) =>
  frame.functionName.startsWith('(') ? frame.functionName : `(native) ${frame.functionName || '(anonymous)'}`

/** "file:function" (anonymous functions get their line, so two of them in one file stay apart). */
function keyOf(frame: Frame, root: string): string {
  if (!frame.url) return nativeName(frame)
  const name = frame.functionName || `(anonymous):${frame.lineNumber + 1}`
  return `${shortUrl(frame.url, root)}:${name}`
}

function areaOf(frame: Frame, root: string): string {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native) C++ bindings'
  const file = shortUrl(frame.url, root)
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)
  return pkg ? `node_modules/${pkg[1]}` : file.split('/').slice(0, 2).join('/')
}

/** µs spent on each node itself: each sample weighs the time until the next one. */
function selfByNode(p: CpuProfile, window: Window | undefined): Map<number, number> {
  const self = new Map<number, number>()
  let t = p.startTime
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0
    const weight = p.timeDeltas[i + 1] ?? 0
    if (window && (t < window.fromUs || t > window.toUs)) continue
    const id = p.samples[i] as number
    self.set(id, (self.get(id) ?? 0) + weight)
  }
  return self
}

export function functionTimes(p: CpuProfile, window: Window | undefined, root: string): FunctionTimes {
  const nodeSelf = selfByNode(p, window)
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const [self, total, areaSelf] = [
    new Map<string, number>(),
    new Map<string, number>(),
    new Map<string, number>(),
  ]
  const onPath = new Map<string, number>()
  const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us)
  // Depth first; a function's total is its subtree's time, counted at its outermost frame only (recursion).
  const visit = (id: number): number => {
    const node = byId.get(id)
    if (!node) return 0
    const key = keyOf(node.callFrame, root)
    const own = nodeSelf.get(id) ?? 0
    add(self, key, own)
    add(areaSelf, areaOf(node.callFrame, root), own)
    onPath.set(key, (onPath.get(key) ?? 0) + 1)
    let subtree = own
    for (const child of node.children ?? []) subtree += visit(child)
    const depth = (onPath.get(key) ?? 1) - 1
    onPath.set(key, depth)
    if (depth === 0) add(total, key, subtree)
    return subtree
  }
  const sampledUs = visit(p.nodes[0]?.id ?? 0)
  const idleUs = self.get('(idle)') ?? 0
  for (const pseudo of ['(root)', '(idle)']) {
    self.delete(pseudo)
    total.delete(pseudo)
    areaSelf.delete(pseudo)
  }
  return { self, totalSorted: [...total].sort((a, b) => b[1] - a[1]), areaSelf, sampledUs, idleUs }
}
