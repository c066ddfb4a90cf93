/**
 * Runbook SDK mongo integration. Not built yet: its actions arrive with their own issue. Until then this
 * module holds no public types, so nothing here can be mistaken for a working primitive.
 */
package dev.runbook.mongo;
