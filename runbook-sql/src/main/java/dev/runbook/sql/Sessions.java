package dev.runbook.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads sessions per dialect. */
final class Sessions {
    private Sessions() {}

    static final String PG = "SELECT pid, backend_start::text AS started, usename, datname, application_name, state,"
            + " backend_type, pid = pg_backend_pid() AS self,"
            + " COALESCE(extract(epoch FROM now() - state_change)::bigint, -1) AS state_seconds,"
            + " COALESCE(extract(epoch FROM now() - xact_start)::bigint, -1) AS xact_seconds,"
            + " left(query, 2000) AS query FROM pg_stat_activity ORDER BY pid";
    static final String MY = "SELECT ID, USER, HOST, DB, COMMAND, TIME, STATE, LEFT(INFO, 2000) AS INFO,"
            + " ID = CONNECTION_ID() AS SELF FROM information_schema.PROCESSLIST ORDER BY ID";

    static List<Session> read(SqlTarget t) {
        Dialect d = t.dialect();
        return t.call("read the sessions", c -> read(d, c));
    }

    static List<Session> read(Dialect d, Connection c) throws SQLException {
        List<Session> out = new ArrayList<>();
        if (d.isPostgres()) {
            for (Map<String, Object> r : SqlTarget.rows(c, PG)) {
                String type = String.valueOf(r.get("backend_type"));
                // another user's session, seen without pg_read_all_stats: only pid, user, database and
                // application show; a client backend is the one of them with a database
                boolean hidden = r.get("backend_type") == null;
                String kind = hidden
                        ? r.get("datname") == null ? "background" : "hidden"
                        : type.equals("client backend")
                                ? "client"
                                : type.equals("walsender") ? "replication" : "background";
                if (hidden) {
                    type = "hidden";
                }
                out.add(new Session(
                        ((Number) r.get("pid")).longValue(),
                        (String) r.get("started"),
                        (String) r.get("usename"),
                        (String) r.get("datname"),
                        (String) r.get("application_name"),
                        r.get("state") == null ? type : (String) r.get("state"),
                        kind,
                        ((Number) r.get("state_seconds")).longValue(),
                        ((Number) r.get("xact_seconds")).longValue(),
                        (String) r.get("query"),
                        Boolean.TRUE.equals(r.get("self"))));
            }
            return out;
        }
        for (Map<String, Object> r : SqlTarget.rows(c, MY)) {
            String user = String.valueOf(r.get("USER"));
            String command = String.valueOf(r.get("COMMAND"));
            String kind;
            if (command.startsWith("Binlog Dump")) {
                kind = "replication";
            } else if (user.equals("system user")
                    || user.equals("event_scheduler")
                    || command.equals("Daemon")
                    || command.startsWith("Slave_")
                    || command.startsWith("Replica_")
                    || command.equals("Connect") && user.equals("system user")) {
                kind = "background";
            } else {
                kind = "client";
            }
            out.add(new Session(
                    ((Number) r.get("ID")).longValue(),
                    "client " + r.get("HOST"),
                    user,
                    r.get("DB") == null ? "" : String.valueOf(r.get("DB")),
                    String.valueOf(r.get("HOST")),
                    command,
                    kind,
                    ((Number) r.get("TIME")).longValue(),
                    -1,
                    r.get("INFO") == null ? "" : String.valueOf(r.get("INFO")),
                    String.valueOf(r.get("SELF")).equals("1") || Boolean.TRUE.equals(r.get("SELF"))));
        }
        return out;
    }

    static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
