/**
 * Elasticsearch remediation for Runbook SDK: {@link dev.runbook.elasticsearch.ElasticsearchActions} is the
 * entry point; {@link dev.runbook.elasticsearch.DeleteIndices}, {@link dev.runbook.elasticsearch.Reindex}
 * and {@link dev.runbook.elasticsearch.SwapAlias} are its actions, {@link
 * dev.runbook.elasticsearch.ClusterHealth} and {@link dev.runbook.elasticsearch.DiskAllocation} its probes,
 * {@link dev.runbook.elasticsearch.ElasticsearchAuditSink} its audit sink, and {@link
 * dev.runbook.elasticsearch.ElasticsearchServer} a throwaway node for tests and demos.
 */
package dev.runbook.elasticsearch;
