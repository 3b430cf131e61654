// Foony's optional modules, for the script-tag bundles that carry them (a page cannot import one later).
export {
  foonyBinaryWire,
  foonySeedWire,
  foonyCipher,
  foonyLongPoll,
  foonyPresence,
  looseChannelNames,
  strictChannelNames,
  webStorageCursors,
} from '@polysocket/foony';
