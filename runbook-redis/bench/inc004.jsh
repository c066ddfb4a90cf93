// INC-004 "Redis OOM" as a JShell session. Run: runbook-redis/bench/inc004.sh (starts a seeded server)
import dev.runbook.core.*;
import dev.runbook.redis.*;

var redis = RedisActions.connect(System.getProperty("redis", "redis://127.0.0.1:6379"));
var ctx = ActionContext.builder().guards(Guards.defaults()).build();   // session:*, lock:* are protected

// Detect: INFO memory / stats
redis.memory().read();

// Triage: sample 1000 keys, group by prefix (awk -F: | sort | uniq -c), biggest keys
redis.keyspaceSample(1000).read();

// Mitigate A: dry run of the flush (nothing is written)
var flush = redis.scanDelete("cache:wms:stock:*").protect("cache:wms:stock:lock:*").rate(200_000);
var plan = flush.plan(ctx);
plan.summary();
plan.warnings();
plan.details();

// apply exactly that plan, then verify with a follow-up SCAN
var done = flush.apply(plan, ctx);
done;
flush.verify(plan, done, ctx);

// Mitigate C: eviction policy, with the previous value recorded for the inverse
var lru = redis.setConfig("maxmemory-policy", "allkeys-lru");
var lruPlan = lru.plan(ctx);
lru.apply(lruPlan, ctx);
lru.inverse(lruPlan).get().plan(ctx).summary();

redis.memory().read();
redis.close();
/exit
