// The runner treats any log line that starts with `::` as a workflow command (`::add-mask::`,
// `::stop-commands::`, `::error::`…). Plan text carries names and server errors that a hostile
// config or server chose, so a line of it must never start one: a word joiner after the first
// colon keeps the line readable and makes it plain text.

const COMMAND_START = /^(\s*):(?=:)/gm;

/** `text` with every line that would start a workflow command made plain. */
export const plainLog = (text: string): string => text.replace(COMMAND_START, '$1:\u2060');
