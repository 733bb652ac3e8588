// What the live pages take from npm, as one ES module (scripts/build-frontend).
export * as Y from "yjs";
export { WebsocketProvider } from "y-websocket";
export { IndexeddbPersistence } from "y-indexeddb";
export * as decoding from "lib0/decoding";
export * as encoding from "lib0/encoding";
