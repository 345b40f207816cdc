"""ODCS contracts the project writes itself for its tests, and the product that takes its port from one.

`full_range(api_version)` uses every kind of field the standard has at that version (fundamentals, description,
servers, a schema object with scalar, decimal, integer, nested and partitioned properties, relationships, SLA,
support, team, roles, pricing, custom properties, and what 3.1.0 and 3.2.0 added), written here after reading
the standard's own examples, not copied from them. Its quality rules use every ODCS DataQuality field: a sql rule, a
text and a custom one at every version, and the library metrics from v3.1.0 (v3.0.x names a library rule's `rule`, which
v3.2.0 refuses).
"""

from __future__ import annotations

import textwrap

import yaml

from meshkit import IMAGE, PRODUCT_MODELINE

VERSIONS = ("v3.0.0", "v3.0.1", "v3.0.2", "v3.1.0", "v3.2.0")
LATER = ("v3.1.0", "v3.2.0")  # relationships, stable ids
LATEST = ("v3.2.0",)  # enum, semanticType, synonyms, deprecated, context


def product(name: str = "alpha", contract: str = "contracts/alpha.odcs.yaml", classification: str = "confidential", extra: str = "") -> str:
    """A product taking its port from `contract`; its promises are those `full_range` states (1,095 days, 1 d, 99.5%)."""
    return (
        PRODUCT_MODELINE
        + textwrap.dedent(
            f"""\
            name: {name}
            description: Plays per listener and day, from the users team's contract.
            owner: team@example.com
            kind: source-aligned
            classification: {classification}
            output:
              contract: {contract}
            consumers: []
            service_levels: {{freshness_hours: 24, availability: 99.5}}
            retention_days: 1095
            job:
              image: {IMAGE}
            """
        )
        + extra
    )


def full_range(api_version: str = "v3.2.0", version: str = "1.4.2") -> str:
    """A contract for users/alpha using the full range of fields ODCS `api_version` has."""
    later, latest = api_version in LATER, api_version in LATEST
    lines = [
        f"apiVersion: {api_version}",
        "kind: DataContract",
        "id: 2f6c0d0e-plays-per-listener",
        "name: Plays per listener",
        f"version: {version}",
        "status: active",
        "domain: listening",
        "dataProduct: listening analytics",
        "tenant: daff",
        "tags: [plays, listeners]",
        "contractCreatedTs: '2026-03-01T09:00:00+00:00'",
        "description:",
        "  purpose: How often each listener plays, per day and country.",
        "  usage: Join on listener_id with the profiles product; filter by day.",
        "  limitations: Plays shorter than 30 seconds are not counted.",
        "  authoritativeDefinitions:",
        "    - {type: businessDefinition, url: 'https://wiki.daff.example/plays'}",
        "  customProperties:",
        "    - {property: reviewedBy, value: data-council}",
        "authoritativeDefinitions:",
        "  - {type: canonicalUrl, url: 'https://contracts.daff.example/plays.yaml'}",
        "servers:",
        "  - server: warehouse",
        "    type: postgres",
        "    host: db.daff.example",
        "    port: 5432",
        "    database: listening",
        "    schema: public",
        "    environment: prod",
        "schema:",
        "  - name: plays_per_listener",
        "    physicalName: alpha",
        "    physicalType: table",
        "    logicalType: object",
        "    businessName: Plays per listener",
        "    description: One row per listener, day and country.",
        "    dataGranularityDescription: listener, day, country",
        "    tags: [facts]",
        "    authoritativeDefinitions:",
        "      - {type: implementation, url: 'https://git.daff.example/plays/job.py'}",
        "    customProperties:",
        "      - {property: refresh, value: daily}",
        *(
            [
                "    relationships:",
                "      - type: foreignKey",
                "        from: [plays_per_listener.listener_id, plays_per_listener.country]",
                "        to: [profiles.listener_id, profiles.country]",
            ]
            if later
            else []
        ),
        *(["    id: plays_per_listener", "    synonyms:", "      - {synonym: listening facts}"] if latest else []),
        "    properties:",
        "      - name: listener_id",
        "        physicalName: listener_id",
        "        businessName: listener",
        "        logicalType: string",
        "        physicalType: VARCHAR(36)",
        "        logicalTypeOptions: {minLength: 36, maxLength: 36}",
        "        description: Pseudonymous listener, as the users domain issues it.",
        "        required: true",
        "        primaryKey: true",
        "        primaryKeyPosition: 1",
        "        unique: false",
        "        classification: confidential",
        "        criticalDataElement: true",
        "        encryptedName: listener_id_enc",
        "        tags: [identity]",
        "        examples: [0f8fad5b-d9cb-469f-a165-70867728950e]",
        "        transformSourceObjects: [raw_plays]",
        "        transformLogic: select distinct listener from raw_plays",
        "        transformDescription: The listener of each play, as recorded.",
        "        authoritativeDefinitions:",
        "          - {type: glossary, url: 'https://wiki.daff.example/listener'}",  # datacontract lint fetches a property's businessDefinition
        "        customProperties:",
        "          - {property: pii, value: true}",
        "          - {property: polyseme, value: listener_id}",
        "          - {property: anonymization, value: pseudonymised}",
        *(["        relationships:", "          - {type: foreignKey, to: profiles.listener_id}"] if later else []),
        *(["        id: listener_id", "        semanticType: dimension"] if latest else []),
        "      - name: plays",
        "        logicalType: integer",
        "        physicalType: SMALLINT",
        "        logicalTypeOptions: {format: i16, minimum: 0}",
        "        description: Plays of 30 seconds or more that day.",
        "        required: true",
        "        classification: internal",
        "      - name: revenue",
        "        logicalType: number",
        "        physicalType: DECIMAL(10,2)",
        "        logicalTypeOptions: {minimum: 0}",
        "        description: Revenue the plays earned, in euros.",
        "        classification: confidential",
        "      - name: lifetime_plays",
        "        logicalType: integer",
        "        physicalType: UBIGINT",
        "        description: Plays since sign-up, an unsigned 64-bit counter.",
        "      - name: device",
        "        logicalType: object",
        "        description: The device most plays came from.",
        "        properties:",
        "          - name: family",
        "            logicalType: string",
        "            description: Phone, desktop, speaker or car.",
        "            required: true",
        "          - name: model",
        "            logicalType: object",
        "            description: The device's maker and model.",
        "            properties:",
        "              - {name: maker, logicalType: string, description: Who made it.}",
        "              - {name: name, logicalType: string, description: Its commercial name.}",
        "      - name: genres",
        "        logicalType: array",
        "        description: Genres played that day, most played first.",
        "        logicalTypeOptions: {maxItems: 20}",
        "        items:",
        "          logicalType: string",
        "          description: A genre of the catalogue.",
        *(
            [
                "      - name: plan",
                "        logicalType: string",
                "        description: The listener's plan that day.",
                "        enum:",
                "          - {value: free, label: Free}",
                "          - {value: premium, label: Premium}",
            ]
            if latest
            else []
        ),
        "      - name: day",
        "        logicalType: date",
        "        physicalType: date",
        "        logicalTypeOptions: {format: yyyy-MM-dd}",
        "        description: Day of the plays (UTC).",
        "        partitioned: true",
        "        partitionKeyPosition: 2",
        "      - name: country",
        "        logicalType: string",
        "        physicalType: CHAR(2)",
        "        description: Country of the listener, ISO 3166-1 alpha-2.",
        "        partitioned: true",
        "        partitionKeyPosition: 1",
        "        quality:",
        "          - {type: custom, engine: soda, implementation: 'invalid_count(country) = 0', severity: warning}",
        *(["          - {type: library, metric: invalidValues, arguments: {pattern: '^[A-Z]{2}$'}, mustBeLessThan: 1, unit: percent, severity: warning}"] if later else []),
        *(["          - {type: library, metric: nullValues, mustBe: 0, dimension: completeness}"] if later else []),
        "    quality:",
        "      - type: sql",
        "        name: plays are counted",
        "        description: No listener plays a negative number of times.",
        "        query: SELECT COUNT(*) FROM ${table} WHERE plays < 0",
        "        mustBe: 0",
        "        unit: rows",
        "        severity: error",
        "        dimension: accuracy",
        "        businessImpact: operational",
        "        method: reconciliation",
        "        schedule: 0 6 * * *",
        "        scheduler: cron",
        "        tags: [plays]",
        "        authoritativeDefinitions:",
        "          - {type: implementation, url: 'https://git.daff.example/plays/checks.sql'}",
        "        customProperties:",
        "          - {property: reviewedBy, value: data-council}",
        "      - {type: text, description: Plays are reconciled with the royalties ledger every month.}",
        *(["      - {id: rows_present, type: library, metric: rowCount, mustBeGreaterThan: 0}"] if later else []),
        *(["      - {type: library, metric: duplicateValues, arguments: {properties: [listener_id, day, country]}, mustBe: 0, dimension: uniqueness}"] if later else []),
        "price: {priceAmount: 0, priceCurrency: EUR, priceUnit: month}",
        "roles:",
        "  - {role: listening_reader, access: read, firstLevelApprovers: users-data lead}",
        "slaDefaultElement: plays_per_listener.day",
        "slaProperties:",
        "  - {property: latency, value: 1, unit: d, element: plays_per_listener.day}",
        "  - {property: availability, value: 99.5, unit: '%'}",
        "  - {property: retention, value: 3, unit: y}",
        "  - {property: frequency, value: 1, unit: d}",
        "  - {property: timeOfAvailability, value: '06:00+00:00', driver: analytics}",
        "  - {property: generalAvailability, value: '2026-03-01T00:00:00Z'}",
        "support:",
        "  - {channel: '#listening', tool: slack, url: 'https://daff.slack.example/listening'}",
        "team:",
        *(
            [
                "  - {username: ana@daff.example, role: owner, dateIn: '2025-01-06'}",
                "  - {username: li@daff.example, role: data steward}",
            ]
            if api_version not in LATER
            else [
                "  name: Listening",
                "  members:",
                "    - {username: ana@daff.example, role: owner, dateIn: '2025-01-06'}",
                "    - {username: li@daff.example, role: data steward}",
            ]
        ),
        "customProperties:",
        "  - {property: costCentre, value: CC-4410}",
        *(["context: Plays are counted once a track has played for 30 seconds."] if latest else []),
    ]
    return "\n".join(lines) + "\n"


def document(text: str) -> dict:
    return yaml.safe_load(text)
