import type { Bus } from '../bus/bus.ts'
import { activityTopic, controlTopic } from '../bus/bus.ts'
import { decodeActivity, decodeControl, dropWarner } from '../bus/wire.ts'
import type { Logger } from '../log.ts'
import type { Hub } from './fanout/hub.ts'
import type { LiveFeatures } from './live/features.ts'

/**
 * The two topics every node hears besides its rooms': control notices (sign-outs, access changes, read marks)
 * go to the hub and the sidebars; message activity (for unread badges) goes to the live features.
 */
export function listenToNode(
  bus: Bus,
  prefix: string,
  log: Logger,
  to: { hub: Hub; live: LiveFeatures },
): void {
  const drops = dropWarner(log)
  const controlDropped = drops.at({ topic: 'control' })
  const activityDropped = drops.at({ topic: 'activity' })
  bus
    .subscribe(controlTopic(prefix), (payload) => {
      const notice = decodeControl(payload, controlDropped)
      if (notice?.kind === 'read') to.live.onRead(notice.id, notice.roomId)
      else if (notice) to.hub.control(notice)
    })
    .catch((err) => log.error({ err }, 'control topic subscribe failed'))
  bus
    .subscribe(activityTopic(prefix), (payload) => {
      const activity = decodeActivity(payload, activityDropped)
      if (activity) to.live.onActivity(activity)
    })
    .catch((err) => log.error({ err }, 'activity topic subscribe failed'))
}
