/**
 * Runbook SDK for PostgreSQL and MySQL/MariaDB: replication status and lag, connection saturation and
 * long-running queries, ending sessions, skipping one replication event, and promoting a replica with no
 * acknowledged write lost. Start at {@link dev.runbook.sql.SqlActions}.
 */
package dev.runbook.sql;
