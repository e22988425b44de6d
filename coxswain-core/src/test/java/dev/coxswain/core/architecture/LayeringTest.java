package dev.coxswain.core.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The core's packages form layers and depend downwards only (docs/architecture.md, "Layers in
 * core"): the wiring ({@code node}) on top, then schedules, then the feature services, the
 * application services, the engine, the store, the executors, the runtime pieces every duty
 * shares, and the domain at the bottom. A new face or duty that needs an upward arrow has to
 * move a piece down instead.
 */
class LayeringTest {
    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.coxswain.core");
    }

    @Test
    void packagesDependDownwardsOnly() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Node").definedBy("dev.coxswain.core.node..")
                .layer("Schedule").definedBy("dev.coxswain.core.schedule..")
                .layer("Features").definedBy("dev.coxswain.core.webhook..", "dev.coxswain.core.connection..",
                        "dev.coxswain.core.pganalysis..", "dev.coxswain.core.remote..",
                        "dev.coxswain.core.workflow..", "dev.coxswain.core.files..",
                        "dev.coxswain.core.device..", "dev.coxswain.core.dashboard..")
                .layer("Service").definedBy("dev.coxswain.core.service..")
                .layer("Engine").definedBy("dev.coxswain.core.engine..")
                .layer("Store").definedBy("dev.coxswain.core.store..")
                .layer("Exec").definedBy("dev.coxswain.core.exec..")
                .layer("Runtime").definedBy("dev.coxswain.core.runtime..")
                .layer("Domain").definedBy("dev.coxswain.core.domain..")
                .whereLayer("Node").mayNotBeAccessedByAnyLayer()
                .whereLayer("Schedule").mayOnlyBeAccessedByLayers("Node")
                .whereLayer("Features").mayOnlyBeAccessedByLayers("Schedule", "Node")
                .whereLayer("Service").mayOnlyBeAccessedByLayers("Features", "Schedule", "Node")
                .whereLayer("Engine").mayOnlyBeAccessedByLayers("Service", "Features", "Schedule", "Node")
                .whereLayer("Store").mayOnlyBeAccessedByLayers("Engine", "Service", "Features", "Schedule", "Node")
                .whereLayer("Exec").mayOnlyBeAccessedByLayers("Store", "Engine", "Service", "Features", "Schedule", "Node")
                .whereLayer("Runtime").mayOnlyBeAccessedByLayers("Exec", "Store", "Engine", "Service", "Features",
                        "Schedule", "Node")
                .check(core);
    }

    @Test
    void theDomainDependsOnNothingElseInCore() {
        noClasses().that().resideInAPackage("dev.coxswain.core.domain..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.coxswain.core.node..", "dev.coxswain.core.schedule..", "dev.coxswain.core.webhook..",
                        "dev.coxswain.core.connection..", "dev.coxswain.core.pganalysis..", "dev.coxswain.core.device..",
                        "dev.coxswain.core.dashboard..",
                        "dev.coxswain.core.service..",
                        "dev.coxswain.core.engine..", "dev.coxswain.core.store..", "dev.coxswain.core.exec..",
                        "dev.coxswain.core.runtime..")
                .check(core);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.coxswain.core.(*)..").should().beFreeOfCycles().check(core);
    }
}
