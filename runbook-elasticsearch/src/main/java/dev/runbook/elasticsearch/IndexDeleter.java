package dev.runbook.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ExpandWildcard;
import dev.runbook.core.ActionContext;
import dev.runbook.core.TargetUnavailableException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Deletes explicit index names in requests whose request line stays under {@link Names#MAX_PATH_BYTES}.
 *
 * <p>One DELETE of several names is all or nothing: one missing name is a 404, one read-only index a
 * 403, and then nothing in that request is deleted. So a refused request is split in halves and each
 * half sent again, down to single names: every other name is still deleted, a single missing name is
 * counted as vanished (it is gone, which is the goal), and a single refused name is reported with the
 * server's reason. A blocked index among 150 costs about 2 x log2(150) = 15 extra requests, not 150.
 */
final class IndexDeleter {
    private final EsTarget es;
    private final ActionContext ctx;
    private final long total;
    private final List<String> deleted = new ArrayList<>();
    private final List<String> vanished = new ArrayList<>();
    private final Map<String, String> failed = new LinkedHashMap<>();
    private int requests;

    private IndexDeleter(EsTarget es, ActionContext ctx, long total) {
        this.es = es;
        this.ctx = ctx;
        this.total = total;
    }

    /**
     * What a delete did.
     *
     * @param deleted names deleted
     * @param vanished names already gone when their own request was sent
     * @param failed names the server refused to delete, with its reason
     * @param requests DELETE requests sent
     */
    record Result(List<String> deleted, List<String> vanished, Map<String, String> failed, int requests) {}

    static Result delete(EsTarget es, List<String> names, ActionContext ctx) {
        names.forEach(Names::requireConcrete);
        IndexDeleter d = new IndexDeleter(es, ctx, names.size());
        for (List<String> chunk : Names.chunks(names, Names.MAX_PATH_BYTES)) {
            d.send(chunk);
        }
        return new Result(List.copyOf(d.deleted), List.copyOf(d.vanished), Map.copyOf(d.failed), d.requests);
    }

    private void send(List<String> chunk) {
        requests++;
        try {
            es.callRaw("delete " + chunk.size() + " indices", c -> c.indices().delete(r -> r.index(chunk)
                    .expandWildcards(ExpandWildcard.None)
                    .allowNoIndices(false)
                    .ignoreUnavailable(false)));
            deleted.addAll(chunk);
            ctx.progress("indices", deleted.size() + vanished.size() + failed.size(), total);
        } catch (ElasticsearchException e) {
            if (chunk.size() > 1) {
                int half = chunk.size() / 2;
                send(chunk.subList(0, half));
                send(chunk.subList(half, chunk.size()));
            } else if (e.status() == 404 && "index_not_found_exception".equals(EsTarget.type(e))) {
                vanished.add(chunk.get(0));
            } else {
                failed.put(chunk.get(0), "HTTP " + e.status() + " " + EsTarget.reason(e));
            }
        } catch (TargetUnavailableException e) {
            throw new TargetUnavailableException(
                    String.format(
                            Locale.ROOT,
                            "%s; %,d of %,d indices were deleted before it, and the request for %,d more (%s .. %s)"
                                    + " got no answer, so they may or may not be deleted. Plan again: the new plan"
                                    + " lists only the indices that are left",
                            e.getMessage(),
                            deleted.size(),
                            total,
                            chunk.size(),
                            chunk.get(0),
                            chunk.get(chunk.size() - 1)),
                    e,
                    e.retriable());
        }
    }
}
