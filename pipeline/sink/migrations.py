"""The sink's schema, as numbered migrations applied once each and recorded in ``schema_migrations``.

A migration is never edited once released: a change of the schema is a new migration.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.sink.store import Connection

# taken for the length of the migrating transaction, so two sinks starting together migrate once
MIGRATION_LOCK = 0x6E657773


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "results tables and the sink's offsets",
        (
            """CREATE TABLE articles (
                article_id text PRIMARY KEY,
                trace_id text NOT NULL,
                source text NOT NULL,
                url text,
                title text,
                author text,
                site text,
                language text,
                published text,
                published_at timestamptz,
                date_precision text,
                date_source text NOT NULL,
                extractor text NOT NULL,
                extracted_at timestamptz NOT NULL,
                claims integer NOT NULL,
                errors jsonb NOT NULL,
                text text NOT NULL,
                payload jsonb NOT NULL,
                stored_at timestamptz NOT NULL DEFAULT now()
            )""",
            """CREATE TABLE dedup_verdicts (
                article_id text NOT NULL,
                trace_id text NOT NULL,
                verdict text NOT NULL,
                source text NOT NULL,
                duplicate_of text,
                similarity double precision,
                method text,
                decided_at timestamptz NOT NULL,
                PRIMARY KEY (article_id, trace_id, verdict)
            )""",
            "CREATE INDEX dedup_verdicts_duplicate_of ON dedup_verdicts (duplicate_of)",
            """CREATE TABLE claims (
                claim_id text PRIMARY KEY,
                article_id text NOT NULL,
                speaker text NOT NULL,
                speaker_role text,
                speaker_kind text NOT NULL,
                via text[] NOT NULL,
                cue text NOT NULL,
                text text NOT NULL,
                quote text,
                modality text NOT NULL,
                polarity text NOT NULL,
                stated_at text,
                stated_precision text,
                event_at text,
                checkworthiness double precision NOT NULL,
                entities text[] NOT NULL,
                payload jsonb NOT NULL
            )""",
            "CREATE INDEX claims_article ON claims (article_id)",
            """CREATE TABLE story_assignments (
                article_id text PRIMARY KEY,
                trace_id text NOT NULL,
                story_id text,
                opened boolean NOT NULL,
                score double precision NOT NULL,
                updates integer NOT NULL,
                errors jsonb NOT NULL
            )""",
            "CREATE INDEX story_assignments_story ON story_assignments (story_id)",
            """CREATE TABLE claim_updates (
                update_id text PRIMARY KEY,
                story_id text NOT NULL,
                proposition_id text NOT NULL,
                claim_id text NOT NULL,
                changed boolean NOT NULL,
                points integer NOT NULL,
                stances text[] NOT NULL,
                changes jsonb NOT NULL,
                timeline jsonb NOT NULL,
                stored bigint GENERATED ALWAYS AS IDENTITY
            )""",
            "CREATE INDEX claim_updates_proposition ON claim_updates (story_id, proposition_id, points)",
            """CREATE TABLE sink_offsets (
                topic text NOT NULL,
                partition integer NOT NULL,
                next_offset bigint NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (topic, partition)
            )""",
            """CREATE TABLE sink_rejects (
                topic text NOT NULL,
                partition integer NOT NULL,
                "offset" bigint NOT NULL,
                reason text NOT NULL,
                value bytea,
                rejected_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (topic, partition, "offset")
            )""",
        ),
    ),
    Migration(
        2,
        "views of story threads and of each proposition's latest timeline",
        (
            """CREATE VIEW stories AS
                SELECT story_id,
                       count(*) AS articles,
                       min(article_id) FILTER (WHERE opened) AS opened_by,
                       sum(updates) AS claim_updates
                FROM story_assignments
                WHERE story_id IS NOT NULL
                GROUP BY story_id""",
            # a proposition's timeline only grows (up to its cap), so its latest update is the one
            # with most points, of equals the one stored last
            """CREATE VIEW proposition_timelines AS
                SELECT DISTINCT ON (story_id, proposition_id)
                       story_id, proposition_id, update_id, points, stances, changes, timeline
                FROM claim_updates
                ORDER BY story_id, proposition_id, points DESC, stored DESC""",
        ),
    ),
)


def pending(applied: set[int]) -> list[Migration]:
    """The migrations not applied yet, in order."""
    return [m for m in MIGRATIONS if m.version not in applied]


def migrate(conn: Connection) -> list[int]:
    """Bring the database to the latest schema; the versions this call applied."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )"""
        )
        applied = {int(row[0]) for row in conn.execute("SELECT version FROM schema_migrations")}
        done = []
        for migration in pending(applied):
            for statement in migration.statements:
                conn.execute(statement.encode())
            conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (migration.version, migration.name)
            )
            done.append(migration.version)
    return done
