/**
 * Runbook SDK for MongoDB: {@link dev.runbook.mongo.MongoActions} replays a DLQ collection through the
 * core replay engine ({@link dev.runbook.mongo.ReplayDlq}: per-event compare-and-set claims with a lease,
 * marks on the same lease, parking after too many attempts), measures DLQ depth, and keeps the audit
 * trail in a hash-chained collection ({@link dev.runbook.mongo.MongoAuditSink}).
 */
package dev.runbook.mongo;
