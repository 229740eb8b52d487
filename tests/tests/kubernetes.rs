//! The Kubernetes deployment under `k8s/`: every overlay renders, validates against the
//! Kubernetes schemas offline and passes checkov; every flag, variable and port the
//! manifests name exists in the binaries; and the dev overlay runs for real under podman,
//! where a job submitted from inside completes, and one submitted from outside survives
//! the leading coordinator's container being killed.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kiln_tests::cluster::{bin_dir, binary};
use kiln_tests::http::{get, scrape, value};
use kiln_tests::kubernetes::{
    INSTALL_HINT, for_podman, kind, name, pod_templates, render, repo_root, run, to_yaml,
    venv_program,
};
use serde_json::Value;

/// The overlays and optional parts a user applies, each rendered on its own.
const RENDERED: &[&str] = &[
    "k8s/overlays/dev",
    "k8s/overlays/production",
    "k8s/autoscaling/keda",
];

/// Renders `k8s/examples` (plain files, not a kustomization) as JSON.
fn examples() -> Vec<Value> {
    let path = repo_root().join("k8s/examples/submit-job.yaml");
    kiln_tests::kubernetes::from_yaml(&std::fs::read_to_string(path).unwrap())
}

#[test]
fn every_overlay_renders_validates_offline_and_passes_checkov() {
    // Not hidden: checkov skips directories whose names start with a dot.
    let dir = tempfile::Builder::new()
        .prefix("kiln-k8s")
        .tempdir()
        .unwrap();
    let mut files = vec![];
    for overlay in RENDERED {
        // kubectl's own YAML: checkov reads YAML documents, not JSON ones.
        let yaml = run(Command::new("kubectl")
            .arg("kustomize")
            .arg(repo_root().join(overlay)));
        assert!(yaml.contains("kind:"), "{overlay} renders nothing");
        let file = dir
            .path()
            .join(format!("{}.yaml", overlay.replace('/', "_")));
        std::fs::write(&file, yaml).unwrap();
        files.push(file);
    }
    files.push(repo_root().join("k8s/examples/submit-job.yaml"));

    // Strict: a misspelt or misplaced field fails, not only a missing one.
    let report = run(Command::new(venv_program("kubernetes-validate"))
        .args(["--kubernetes-version", "1.32.0", "--strict", "--quiet"])
        .args(&files));
    assert!(!report.contains("ERROR"), "{report}");

    // checkov exits non-zero on a failed check; every skip is justified in the manifests.
    std::fs::copy(
        repo_root().join("k8s/examples/submit-job.yaml"),
        dir.path().join("submit-job.yaml"),
    )
    .unwrap();
    let report = run(Command::new(venv_program("checkov"))
        .args(["--framework", "kubernetes", "--compact", "--quiet"])
        .args(["--skip-download", "-d"])
        .arg(dir.path()));
    assert!(report.contains("Failed checks: 0"), "{report}");

    // The overlays set what their READMEs say.
    let dev = render(&repo_root().join("k8s/overlays/dev"));
    let production = render(&repo_root().join("k8s/overlays/production"));
    let replicas = |objects: &[Value], workload: &str| {
        objects
            .iter()
            .find(|o| name(o) == workload && matches!(kind(o), "Deployment" | "StatefulSet"))
            .map(|o| o["spec"]["replicas"].as_u64())
            .unwrap_or_else(|| panic!("no {workload}"))
    };
    assert_eq!(replicas(&dev, "kiln-etcd"), Some(1));
    assert_eq!(replicas(&dev, "kiln-coordinator"), Some(1));
    assert_eq!(replicas(&dev, "kiln-executor"), Some(2));
    assert_eq!(replicas(&production, "kiln-etcd"), Some(3));
    assert_eq!(replicas(&production, "kiln-coordinator"), Some(2));
    assert_eq!(
        replicas(&production, "kiln-executor"),
        None,
        "the HPA owns it"
    );
    let members = production
        .iter()
        .find(|o| name(o) == "kiln-etcd" && kind(o) == "ConfigMap")
        .and_then(|o| o["data"]["initial-cluster"].as_str())
        .expect("the etcd members");
    assert_eq!(members.split(',').count(), 3, "{members}");
    for objects in [&dev, &production] {
        assert!(
            !objects
                .iter()
                .any(|o| matches!(kind(o), "ClusterRole" | "ClusterRoleBinding" | "Role")),
            "Kiln needs no Kubernetes API permissions"
        );
    }
}

/// A container's declared ports: name and number.
fn ports(container: &Value) -> impl Iterator<Item = (&str, u64)> {
    container["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|port| {
            let name = port["name"].as_str().unwrap_or_default();
            (name, port["containerPort"].as_u64().unwrap_or_default())
        })
}

/// The long flags and environment variables `program [subcommand] --help` documents.
fn documented(program: &str, subcommand: Option<&str>) -> BTreeSet<String> {
    let mut command = Command::new(binary(program));
    command.args(subcommand).arg("--help");
    let help = run(&mut command);
    let mut names = BTreeSet::new();
    for word in help.split(|c: char| c.is_whitespace() || c == ',') {
        if let Some(flag) = word.strip_prefix("--") {
            names.insert(format!("--{}", flag.split('=').next().unwrap()));
        }
    }
    let variables = help
        .split("[env: ")
        .skip(1)
        .map(|rest| rest.split('=').next().unwrap().to_string());
    names.extend(variables);
    names
}

#[test]
fn manifests_name_only_flags_variables_and_ports_the_binaries_have() {
    // Read by the processes themselves rather than by their flags.
    let direct = [
        kiln_jobs::secrets::SECRETS_DIR_ENV,
        kiln_core::auth::TOKEN_ENV,
        kiln_core::auth::TOKEN_FILE_ENV,
    ];
    for overlay in ["k8s/overlays/dev", "k8s/overlays/production"] {
        let mut objects = render(&repo_root().join(overlay));
        objects.extend(examples());
        let config_map = |wanted: &str| {
            objects
                .iter()
                .find(|o| kind(o) == "ConfigMap" && name(o) == wanted)
                .unwrap_or_else(|| panic!("{overlay}: no ConfigMap {wanted}"))["data"]
                .as_object()
                .cloned()
                .unwrap_or_default()
        };
        let mut checked = 0;
        for (workload, template) in pod_templates(&objects) {
            for container in template["spec"]["containers"].as_array().unwrap() {
                let command: Vec<&str> = container["command"]
                    .as_array()
                    .map(|c| c.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let Some(program) = command
                    .first()
                    .and_then(|p| p.strip_prefix("/usr/local/bin/"))
                else {
                    continue;
                };
                if program == "etcd" {
                    continue;
                }
                let subcommand = (program == "kiln").then(|| command[1]);
                let known = documented(program, subcommand);
                let mut named: Vec<(String, String)> = vec![];
                for var in container["env"].as_array().into_iter().flatten() {
                    let var_name = var["name"].as_str().unwrap().to_string();
                    named.push((var_name, var["value"].as_str().unwrap_or("").to_string()));
                }
                for source in container["envFrom"].as_array().into_iter().flatten() {
                    if let Some(map) = source["configMapRef"]["name"].as_str() {
                        for (key, value) in config_map(map) {
                            named.push((key, value.as_str().unwrap_or("").to_string()));
                        }
                    }
                }
                for flag in command.iter().skip(1).filter(|a| a.starts_with("--")) {
                    let flag = flag.split('=').next().unwrap();
                    assert!(
                        known.contains(flag),
                        "{overlay} {workload}: {program} has no {flag}"
                    );
                    checked += 1;
                }
                for (var, var_value) in &named {
                    if !var.starts_with("KILN_") {
                        continue;
                    }
                    assert!(
                        known.contains(var.as_str()) || direct.contains(&var.as_str()),
                        "{overlay} {workload}: {program} reads no {var}"
                    );
                    checked += 1;
                    // A port variable must match a declared container port.
                    if var.ends_with("_PORT") {
                        let port: u64 = var_value.parse().expect("a port number");
                        assert!(
                            ports(container).any(|(_, number)| number == port),
                            "{overlay} {workload}: {var}={port} is no containerPort"
                        );
                    }
                }
                // Probes name declared ports, on paths the HTTP server has (called for
                // real by the podman test).
                for probe in ["startupProbe", "livenessProbe", "readinessProbe"] {
                    if let Some(port) = container[probe]["httpGet"]["port"].as_str() {
                        assert!(
                            ports(container).any(|(name, _)| name == port),
                            "{overlay} {workload}: {probe} port {port} undeclared"
                        );
                    }
                }
            }
        }
        assert!(checked > 20, "{overlay}: only {checked} names checked");
    }
}

/// Deletes the pods, volumes, network and images of a podman run when the test ends
/// (passing or not), without waiting for the executors' drain.
struct Played {
    pods: Vec<String>,
    volumes: Vec<String>,
    network: String,
    images: Vec<String>,
}

impl Played {
    fn new(objects: &[Value], network: &str, images: &[String]) -> Played {
        let pods = objects.iter().filter(|o| kind(o) == "Pod");
        Played {
            pods: pods.clone().map(|pod| name(pod).to_string()).collect(),
            // Podman makes a volume of each pod volume and of each ConfigMap.
            volumes: pods
                .flat_map(|pod| {
                    pod["spec"]["volumes"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                })
                .map(|volume| name_of(&volume))
                .chain(
                    objects
                        .iter()
                        .filter(|o| kind(o) == "ConfigMap")
                        .map(|o| name(o).to_string()),
                )
                .collect(),
            network: network.to_string(),
            images: images.to_vec(),
        }
    }
}

fn name_of(volume: &Value) -> String {
    volume["name"].as_str().unwrap_or_default().to_string()
}

impl Drop for Played {
    fn drop(&mut self) {
        let quiet = |args: &[&str], names: &[String]| {
            let _ = Command::new("podman")
                .args(args)
                .args(names)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        };
        quiet(&["pod", "rm", "--force", "--time", "0"], &self.pods);
        quiet(&["volume", "rm", "--force"], &self.volumes);
        quiet(
            &["network", "rm", "--force"],
            std::slice::from_ref(&self.network),
        );
        if !self.images.is_empty() {
            quiet(&["rmi", "--force"], &self.images);
        }
    }
}

/// A pod's IP address on the podman network (reachable from the host).
fn pod_ip(container: &str) -> String {
    let ip = run(Command::new("podman").args([
        "inspect",
        container,
        "--format",
        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
    ]));
    ip.trim().to_string()
}

/// The containers of the played cluster.
const CONTAINERS: &[&str] = &[
    "kiln-etcd-0-etcd",
    "kiln-coordinator-0-coordinator",
    "kiln-coordinator-1-coordinator",
    "kiln-executor-0-executor",
    "kiln-executor-1-executor",
];

/// What a container logged (its last `tail` lines), stdout and stderr.
fn container_log(container: &str, tail: usize) -> String {
    Command::new("podman")
        .args(["logs", "--tail", &tail.to_string(), container])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
        })
        .unwrap_or_else(|e| e.to_string())
}

/// The last lines every container of the cluster logged, for a failure's message.
fn cluster_logs() -> String {
    CONTAINERS
        .iter()
        .map(|container| format!("--- {container}\n{}", container_log(container, 30)))
        .collect()
}

/// Waits until `done` holds, polling; panics naming `what`, with the cluster's logs, after
/// `limit`.
fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > limit {
            panic!("{what}: not within {limit:?}\n{}", cluster_logs());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    start.elapsed()
}

/// The expected rows of the job below: per bucket `value % 7`, the count and sum of
/// 1..=n.
fn buckets(n: u64) -> Vec<String> {
    (0..7u64)
        .map(|b| {
            let first = if b == 0 { 7 } else { b };
            let count = if first > n { 0 } else { (n - first) / 7 + 1 };
            let sum = u128::from(count) * u128::from(first)
                + 7 * u128::from(count) * u128::from(count.saturating_sub(1)) / 2;
            format!("| {b:<6} | {count:<8} | {sum:<15} |")
        })
        .collect()
}

const CLIENT_TOKEN: &str = "kiln-dev-client-token";

#[test]
fn dev_overlay_runs_under_podman_and_survives_losing_the_leader() {
    let tag = "kiln-test";
    assert!(
        Command::new("podman").arg("--version").output().is_ok(),
        "podman is missing; {INSTALL_HINT}"
    );
    let profile = bin_dir().file_name().unwrap().to_string_lossy().to_string();
    let started = Instant::now();
    run(Command::new(repo_root().join("scripts/k8s-image"))
        .arg(tag)
        .env("KILN_PROFILE", &profile));
    let image_built = started.elapsed();

    // The dev overlay with this run's images and two coordinators, as `kubectl kustomize`
    // renders it for a cluster, then turned into the pods a cluster would run.
    // Inside the repository: kustomize takes bases by relative path only.
    let target = repo_root().join("target");
    std::fs::create_dir_all(&target).unwrap();
    let dir = tempfile::tempdir_in(&target).unwrap();
    std::fs::copy(
        repo_root().join("k8s/examples/submit-job.yaml"),
        dir.path().join("submit-job.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        format!(
            "resources: [../../k8s/overlays/dev, submit-job.yaml]\n\
             images:\n\
             - {{name: localhost/kiln, newTag: {tag}}}\n\
             - {{name: quay.io/coreos/etcd, newName: localhost/kiln-etcd, newTag: {tag}}}\n\
             patches:\n\
             - target: {{kind: Deployment, name: kiln-coordinator}}\n  \
               patch: '[{{\"op\": \"replace\", \"path\": \"/spec/replicas\", \"value\": 2}}]'\n",
        ),
    )
    .unwrap();
    let rendered = render(dir.path());
    let pods = for_podman(&rendered);
    // Two files: the cluster, then the example Job's pod (with the ConfigMaps again).
    let (mut submit, cluster): (Vec<Value>, Vec<Value>) = pods
        .into_iter()
        .partition(|o| name(o) == "kiln-example-submit");
    submit.extend(cluster.iter().filter(|o| kind(o) == "ConfigMap").cloned());
    let cluster_file = dir.path().join("cluster.yaml");
    std::fs::write(&cluster_file, to_yaml(&cluster)).unwrap();
    let submit_file = dir.path().join("submit.yaml");
    std::fs::write(&submit_file, to_yaml(&submit)).unwrap();

    let network = "kiln-k8s-test".to_string();
    // What an earlier run left (a killed test cannot clean up) goes first.
    let all_pods: Vec<Value> = cluster.iter().chain(&submit).cloned().collect();
    drop(Played::new(&all_pods, &network, &[]));
    let images = [
        format!("localhost/kiln:{tag}"),
        format!("localhost/kiln-etcd:{tag}"),
    ];
    let played = Played::new(&all_pods, &network, &images);
    run(Command::new("podman").args(["network", "create", &network]));
    let play = |file: &Path| {
        run(Command::new("podman")
            .args(["kube", "play", "--network", &network])
            .arg(file));
    };
    let started = Instant::now();
    play(&cluster_file);

    // Ready: etcd elected a leader coordinator and both executors registered, as the
    // manifests' own probes say.
    let coordinators = ["kiln-coordinator-0", "kiln-coordinator-1"]
        .map(|pod| pod_ip(&format!("{pod}-coordinator")));
    let executors =
        ["kiln-executor-0", "kiln-executor-1"].map(|pod| pod_ip(&format!("{pod}-executor")));
    let probes = |workload: &str| -> Vec<(String, u64)> {
        let (_, template) = pod_templates(&rendered)
            .into_iter()
            .find(|(w, _)| w == workload)
            .unwrap();
        let container = &template["spec"]["containers"][0];
        ["startupProbe", "livenessProbe", "readinessProbe"]
            .iter()
            .map(|probe| {
                let http = &container[*probe]["httpGet"];
                let port = ports(container)
                    .find(|(name, _)| Some(*name) == http["port"].as_str())
                    .map(|(_, number)| number)
                    .unwrap();
                (http["path"].as_str().unwrap().to_string(), port)
            })
            .collect()
    };
    let ready = |ip: &str, probes: &[(String, u64)]| {
        probes
            .iter()
            .all(|(path, port)| get(&format!("http://{ip}:{port}{path}"), None).0 == 200)
    };
    let coordinator_probes = probes("kiln-coordinator");
    let executor_probes = probes("kiln-executor");
    let leader_of = |ips: &[String]| {
        ips.iter()
            .position(|ip| get(&format!("http://{ip}:50080/readyz/leader"), None).0 == 200)
    };
    wait_until("the cluster is ready", Duration::from_secs(120), || {
        coordinators.iter().all(|ip| ready(ip, &coordinator_probes))
            && executors.iter().all(|ip| ready(ip, &executor_probes))
            && leader_of(&coordinators).is_some()
            && scrape(
                &format!(
                    "http://{}:50080/metrics",
                    coordinators[leader_of(&coordinators).unwrap()]
                ),
                Some(CLIENT_TOKEN),
            )
            .iter()
            .any(|s| s.name == "kiln_executors" && s.value == 2.0)
    });
    let time_to_ready = started.elapsed();

    // The example Kubernetes Job submits from inside the cluster and exits with the job's
    // outcome.
    play(&submit_file);
    let exit = run(Command::new("podman").args(["wait", "kiln-example-submit-submit"]));
    let logs = run(Command::new("podman").args(["logs", "kiln-example-submit-submit"]));
    assert_eq!(
        exit.trim(),
        "0",
        "the in-cluster submit failed:\n{logs}\n{}",
        cluster_logs()
    );

    // From outside: a job long enough to be running when the leader's container dies.
    let rows = 600_000_000;
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        format!(
            "name = \"numbers-across-failover\"\n[[step]]\nname = \"totals\"\n\
             sql = \"SELECT value % 7 AS bucket, count(*) AS n, sum(value) AS total \
             FROM generate_series(1, {rows}) GROUP BY value % 7 ORDER BY bucket\"\n"
        ),
    )
    .unwrap();
    // The client runs in a container on the cluster's network: executors advertise pod
    // names there (podman's stand-in for pod IPs), which the host cannot resolve.
    let client: Child = Command::new("podman")
        .args(["run", "--rm", "--network", &network, "--env"])
        .arg(format!("KILN_TOKEN={CLIENT_TOKEN}"))
        .arg("--volume")
        .arg(format!("{}:/job.toml:ro", job.display()))
        .args(["--entrypoint", "/usr/local/bin/kiln"])
        .arg(format!("localhost/kiln:{tag}"))
        .args([
            "run",
            "--coordinator",
            "http://kiln-coordinator-0:50050,http://kiln-coordinator-1:50050",
            "/job.toml",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let leader = leader_of(&coordinators).expect("a leader");
    let standby = 1 - leader;
    let leader_metrics = format!("http://{}:50080/metrics", coordinators[leader]);
    wait_until("the job's task runs", Duration::from_secs(60), || {
        value(
            &scrape(&leader_metrics, Some(CLIENT_TOKEN)),
            "kiln_running_tasks",
            &[],
        )
        .is_some_and(|v| v > 0.0)
    });
    let killed_at = Instant::now();
    run(Command::new("podman").args([
        "kill",
        "--signal",
        "KILL",
        &format!("kiln-coordinator-{leader}-coordinator"),
    ]));
    let failover = wait_until("the standby takes over", Duration::from_secs(60), || {
        get(
            &format!("http://{}:50080/readyz/leader", coordinators[standby]),
            None,
        )
        .0 == 200
    });
    let output = client.wait_with_output().unwrap();
    let job_end = killed_at.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the job failed across the failover:\n{stdout}\n{}\n{}",
        String::from_utf8_lossy(&output.stderr),
        cluster_logs()
    );
    for row in buckets(rows) {
        assert!(stdout.contains(&row), "no {row:?} in\n{stdout}");
    }
    // The failover happened: the old leader is gone and the standby leads.
    let state = run(Command::new("podman").args([
        "inspect",
        &format!("kiln-coordinator-{leader}-coordinator"),
        "--format",
        "{{.State.Running}}",
    ]));
    assert_eq!(state.trim(), "false");
    let standby_metrics = scrape(
        &format!("http://{}:50080/metrics", coordinators[standby]),
        Some(CLIENT_TOKEN),
    );
    assert_eq!(value(&standby_metrics, "kiln_leader", &[]), Some(1.0));
    let lease_ttl = Duration::from_secs(10);
    assert!(
        failover < lease_ttl + Duration::from_secs(5),
        "failover took {failover:?}"
    );

    // What the new leader did with the job's attempts (for the figures' readers).
    let new_leader = format!("kiln-coordinator-{standby}-coordinator");
    let leader_log = container_log(&new_leader, 100_000);
    let reruns = leader_log
        .lines()
        .filter(|line| line.contains("running it again"))
        .count();

    let figures = format!(
        "| image built from host binaries ({profile}) | {:.1} s |\n\
         | play to ready (etcd, 2 coordinators, 2 executors registered) | {:.1} s |\n\
         | leader container killed to standby leading (lease TTL 10 s) | {:.1} s |\n\
         | leader container killed to job end | {:.1} s |\n\
         | attempts the new leader ran again | {reruns} |\n",
        image_built.as_secs_f64(),
        time_to_ready.as_secs_f64(),
        failover.as_secs_f64(),
        job_end.as_secs_f64(),
    );
    println!("{figures}");
    if let Ok(file) = std::env::var("KILN_K8S_RESULTS") {
        std::fs::write(file, figures).unwrap();
    }
    drop(played);
}
