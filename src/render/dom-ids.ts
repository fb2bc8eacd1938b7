/** DOM ids shared by pages, fragments, frames and public/chat.js. */
export const ids = {
  messages: 'messages',
  composer: 'composer',
  message: (id: number) => `message-${id}`,
} as const
