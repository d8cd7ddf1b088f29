import type Database from 'better-sqlite3';

/**
 * `PRAGMA application_id` of a siphook call log ("SiPh"): tells our files from other SQLite files.
 */
export const CALL_LOG_APPLICATION_ID = 0x53695068;

/** One step of the schema: run once, in order, inside a transaction; `user_version` counts them. */
export interface Migration {
  /** What the step adds, for the error message of a failed migration. */
  description: string;
  up(db: Database.Database): void;
}

/**
 * The schema of a call log, oldest step first. Never edit a released step: add one. A log is
 * migrated when opened; a log of a newer siphook is refused.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    description: 'pushes and their answers',
    up(db) {
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
        CREATE TABLE pushes (
          id INTEGER PRIMARY KEY,
          call_id TEXT,
          received_at INTEGER NOT NULL,
          method TEXT NOT NULL,
          path TEXT NOT NULL,
          remote_address TEXT,
          headers TEXT NOT NULL,
          body TEXT NOT NULL,
          event TEXT,
          status INTEGER NOT NULL,
          content_type TEXT,
          answer TEXT NOT NULL,
          duration_ms REAL NOT NULL,
          signature TEXT NOT NULL,
          basic_auth TEXT NOT NULL,
          route TEXT,
          branch TEXT
        ) STRICT;
        CREATE INDEX pushes_by_call ON pushes (call_id, id);
      `);
    },
  },
  {
    // Filled by readers, not by the push path: `summarized_through` in meta is the last push id
    // folded in, so a log of the first version is summed up when it is first read.
    description: 'a summary row per call, for the call list',
    up(db) {
      db.exec(`
        CREATE TABLE calls (
          call_id TEXT PRIMARY KEY,
          started_at INTEGER NOT NULL,
          ended_at INTEGER NOT NULL,
          from_number TEXT,
          to_number TEXT,
          direction TEXT,
          outcome TEXT NOT NULL,
          hangup_cause TEXT,
          pushes INTEGER NOT NULL,
          worst_problem TEXT,
          last_push_id INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX calls_by_start ON calls (started_at DESC, call_id DESC);
        CREATE INDEX calls_by_last_push ON calls (last_push_id);
        CREATE INDEX calls_by_end ON calls (ended_at);
      `);
    },
  },
  {
    // A server answers a few documents again and again: each distinct answer is stored once and
    // a push points at it (`answer` stays '' then). Pushes of older versions keep their own text.
    description: 'each distinct answer stored once',
    up(db) {
      db.exec(`
        CREATE TABLE answers (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE) STRICT;
        ALTER TABLE pushes ADD COLUMN answer_id INTEGER;
      `);
    },
  },
];
