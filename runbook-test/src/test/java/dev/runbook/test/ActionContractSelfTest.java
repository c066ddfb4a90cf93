package dev.runbook.test;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;

class ActionContractSelfTest extends ActionContract<PutValue> {
    private final Map<String, String> store = new ConcurrentHashMap<>();

    @BeforeEach
    void seed() {
        store.put("flag", "off");
        store.put("other", "x");
    }

    @Override
    protected PutValue action() {
        return new PutValue(store, "flag", "on");
    }

    @Override
    protected Object snapshot() {
        return new TreeMap<>(store);
    }

    @Override
    protected void moveTheWorld() {
        store.put("flag", "half");
    }
}
