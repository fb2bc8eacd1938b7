/** The seeded world's shape, shared by the seeder, the bodies and the measurements. */
export const ROOMS = 200
export const PEOPLE = 2000
/** The person the bench signs in as: a member of every private room, away for most of the history. */
export const VIEWER = 'p0000'
/** What the viewer has read of each room: the first tenth, so nine tenths of everything is unread. */
export const READ_SHARE = 0.1
/** The share of all messages in the bench room (the first, room-1): the rest share the other 199. */
export const BUSY_SHARE = 0.1
/** The room the bench opens (page, socket): its own read mark moves, the other 199 stay far behind. */
export const BENCH_ROOM = 'room-1'
