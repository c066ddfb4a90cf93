package dev.runbook.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DialectTest {
    @Test
    void mysql8026_speaksReplica() {
        Dialect d = Dialect.detect("MySQL", "8.0.36");
        assertThat(d.engine()).isEqualTo(Engine.MYSQL);
        assertThat(d.showReplicaStatus()).isEqualTo("SHOW REPLICA STATUS");
        assertThat(d.skipCounter()).isEqualTo("sql_replica_skip_counter");
        assertThat(d.startSqlThread()).isEqualTo("START REPLICA SQL_THREAD");
        assertThat(d.resetReplicaAll()).isEqualTo("RESET REPLICA ALL");
        assertThat(d.column("Slave_SQL_Running")).isEqualTo("Replica_SQL_Running");
        assertThat(d.column("Exec_Master_Log_Pos")).isEqualTo("Exec_Source_Log_Pos");
        assertThat(d.column("Relay_Master_Log_File")).isEqualTo("Relay_Source_Log_File");
        assertThat(d.column("Master_Log_File")).isEqualTo("Source_Log_File");
        assertThat(d.waitForGtids("u:1-5", 3)).isEqualTo("SELECT WAIT_FOR_EXECUTED_GTID_SET('u:1-5', 3)");
        assertThat(d.fence()).isEqualTo("SET GLOBAL super_read_only = ON");
        assertThat(d.executedGtids()).isEqualTo("gtid_executed");
    }

    @Test
    void mysqlBetween8022And8026_hasReplicaStatementsButTheSlaveSkipCounter() {
        Dialect d = Dialect.detect("MySQL", "8.0.23-log");
        assertThat(d.showReplicaStatus()).isEqualTo("SHOW REPLICA STATUS");
        assertThat(d.skipCounter()).isEqualTo("sql_slave_skip_counter");
    }

    @Test
    void olderMysql_speaksSlave() {
        Dialect d = Dialect.detect("MySQL", "5.7.44");
        assertThat(d.showReplicaStatus()).isEqualTo("SHOW SLAVE STATUS");
        assertThat(d.stopReplica()).isEqualTo("STOP SLAVE");
        assertThat(d.skipCounter()).isEqualTo("sql_slave_skip_counter");
        assertThat(d.column("Slave_IO_Running")).isEqualTo("Slave_IO_Running");
    }

    @Test
    void mariadb_keepsItsOwnNames() {
        Dialect d = Dialect.detect("MariaDB", "10.11.19-MariaDB-0+deb12u1-log");
        assertThat(d.engine()).isEqualTo(Engine.MARIADB);
        assertThat(d.major()).isEqualTo(10);
        assertThat(d.minor()).isEqualTo(11);
        assertThat(d.patch()).isEqualTo(19);
        assertThat(d.showReplicaStatus()).isEqualTo("SHOW REPLICA STATUS");
        assertThat(d.skipCounter()).isEqualTo("sql_slave_skip_counter");
        assertThat(d.column("Slave_SQL_Running")).isEqualTo("Slave_SQL_Running");
        assertThat(d.waitForGtids("0-1-5", 2)).isEqualTo("SELECT MASTER_GTID_WAIT('0-1-5', 2)");
        assertThat(d.fence()).isEqualTo("SET GLOBAL read_only = ON");
        assertThat(d.executedGtids()).isEqualTo("gtid_binlog_pos");
        assertThat(Dialect.detect("MySQL", "10.4.3-MariaDB").showReplicaStatus())
                .isEqualTo("SHOW SLAVE STATUS");
    }

    @Test
    void postgres_andUnknownEngines() {
        Dialect d = Dialect.detect("PostgreSQL", "15.14 (Debian 15.14-0+deb12u1)");
        assertThat(d.isPostgres()).isTrue();
        assertThat(d.major()).isEqualTo(15);
        assertThat(d.toString()).isEqualTo("PostgreSQL 15.14 (Debian 15.14-0+deb12u1)");
        assertThatThrownBy(() -> Dialect.detect("Oracle", "19c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PostgreSQL, MariaDB and MySQL");
    }
}
