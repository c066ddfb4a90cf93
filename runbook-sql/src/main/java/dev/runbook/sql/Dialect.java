package dev.runbook.sql;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine and version a connection speaks to, and the statements that differ between them: MySQL 8.0.22+
 * says {@code SHOW REPLICA STATUS}, {@code START REPLICA} and (8.0.26+) {@code sql_replica_skip_counter};
 * older MySQL says {@code SLAVE}; MariaDB 10.5.1+ accepts {@code REPLICA} statements but keeps {@code
 * sql_slave_skip_counter} and its own GTID ({@code domain-server-seq}, {@code MASTER_GTID_WAIT}).
 *
 * <pre>{@code
 * Dialect d = Dialect.detect("MySQL", "8.0.36");
 * d.showReplicaStatus();   // SHOW REPLICA STATUS
 * d.skipCounter();         // sql_replica_skip_counter
 * }</pre>
 *
 * @param engine PostgreSQL, MariaDB or MySQL
 * @param version the server's version string ({@code 15.8}, {@code 10.11.19-MariaDB-0+deb12u1-log})
 * @param major the major version
 * @param minor the minor version
 * @param patch the patch version (0 for PostgreSQL 10+)
 */
public record Dialect(Engine engine, String version, int major, int minor, int patch) {
    private static final Pattern NUMBERS = Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");

    /**
     * From the JDBC product name and the server's version string. MariaDB is recognised by "MariaDB" in
     * either (the MariaDB driver calls a MariaDB server "MariaDB" and a MySQL server "MySQL").
     *
     * @throws IllegalArgumentException for an engine this module does not speak
     */
    public static Dialect detect(String productName, String version) {
        String p = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        String v = version == null ? "" : version;
        Engine e;
        if (p.contains("postgres")) {
            e = Engine.POSTGRESQL;
        } else if (p.contains("mariadb") || v.toLowerCase(Locale.ROOT).contains("mariadb")) {
            e = Engine.MARIADB;
        } else if (p.contains("mysql")) {
            e = Engine.MYSQL;
        } else {
            throw new IllegalArgumentException("runbook-sql speaks PostgreSQL, MariaDB and MySQL; this server is '"
                    + productName + "' " + version);
        }
        Matcher m = NUMBERS.matcher(v);
        int major = 0;
        int minor = 0;
        int patch = 0;
        if (m.find()) {
            major = Integer.parseInt(m.group(1));
            minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
            patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        }
        return new Dialect(e, v, major, minor, patch);
    }

    public boolean isPostgres() {
        return engine == Engine.POSTGRESQL;
    }

    public boolean isMySqlFamily() {
        return engine != Engine.POSTGRESQL;
    }

    private boolean atLeast(int ma, int mi, int pa) {
        if (major != ma) {
            return major > ma;
        }
        if (minor != mi) {
            return minor > mi;
        }
        return patch >= pa;
    }

    /** Whether the server knows the REPLICA spelling of the replication statements. */
    boolean replicaWords() {
        return engine == Engine.MARIADB ? atLeast(10, 5, 1) : engine == Engine.MYSQL && atLeast(8, 0, 22);
    }

    String showReplicaStatus() {
        return replicaWords() ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
    }

    String stopReplica() {
        return replicaWords() ? "STOP REPLICA" : "STOP SLAVE";
    }

    String startReplica() {
        return replicaWords() ? "START REPLICA" : "START SLAVE";
    }

    String startSqlThread() {
        return startReplica() + " SQL_THREAD";
    }

    String resetReplicaAll() {
        return replicaWords() ? "RESET REPLICA ALL" : "RESET SLAVE ALL";
    }

    /** {@code sql_replica_skip_counter} on MySQL 8.0.26+, else {@code sql_slave_skip_counter}. */
    String skipCounter() {
        return engine == Engine.MYSQL && atLeast(8, 0, 26) ? "sql_replica_skip_counter" : "sql_slave_skip_counter";
    }

    /** The variable holding the executed GTIDs: {@code gtid_binlog_pos} (MariaDB) or {@code gtid_executed}. */
    String executedGtids() {
        return engine == Engine.MARIADB ? "gtid_binlog_pos" : "gtid_executed";
    }

    /** A query returning 0 once the GTIDs are applied, within the timeout in seconds. */
    String waitForGtids(String gtids, long timeoutSeconds) {
        return engine == Engine.MARIADB
                ? "SELECT MASTER_GTID_WAIT('" + gtids + "', " + timeoutSeconds + ")"
                : "SELECT WAIT_FOR_EXECUTED_GTID_SET('" + gtids + "', " + timeoutSeconds + ")";
    }

    /** The statements that make a MySQL-family server refuse writes ({@code super_read_only} on MySQL). */
    String fence() {
        return engine == Engine.MYSQL ? "SET GLOBAL super_read_only = ON" : "SET GLOBAL read_only = ON";
    }

    String unfence() {
        return engine == Engine.MYSQL
                ? "SET GLOBAL super_read_only = OFF, GLOBAL read_only = OFF"
                : "SET GLOBAL read_only = OFF";
    }

    /** A column of SHOW REPLICA STATUS under this server's name: MySQL 8.0.22+ says Source and Replica. */
    String column(String slaveName) {
        if (engine != Engine.MYSQL || !atLeast(8, 0, 22)) {
            return slaveName;
        }
        return slaveName
                .replace("Slave_IO_Running", "Replica_IO_Running")
                .replace("Slave_SQL_Running_State", "Replica_SQL_Running_State")
                .replace("Slave_SQL_Running", "Replica_SQL_Running")
                .replace("Seconds_Behind_Master", "Seconds_Behind_Source")
                .replace("Relay_Master_Log_File", "Relay_Source_Log_File")
                .replace("Exec_Master_Log_Pos", "Exec_Source_Log_Pos")
                .replace("Read_Master_Log_Pos", "Read_Source_Log_Pos")
                .replace("Master_Log_File", "Source_Log_File")
                .replace("Master_Server_Id", "Source_Server_Id")
                .replace("Master_Host", "Source_Host")
                .replace("Master_Port", "Source_Port")
                .replace("Master_UUID", "Source_UUID");
    }

    @Override
    public String toString() {
        String n = engine == Engine.POSTGRESQL ? "PostgreSQL" : engine == Engine.MARIADB ? "MariaDB" : "MySQL";
        return n + " " + version;
    }
}
