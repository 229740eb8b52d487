//! The Kubernetes manifests under `k8s/`: rendered with the machine's kubectl (its built-in
//! kustomize), and turned into what podman's `kube play` runs, so that tests can validate
//! them offline and run them for real on a machine without a Kubernetes cluster.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::prelude::{BASE64_STANDARD, Engine};
use serde_json::{Value, json};

use crate::s3::tools_python;

/// What the Kubernetes tests need, and how to install it.
pub const INSTALL_HINT: &str = "the Kubernetes tests need kubectl 1.32 with kustomize (it comes \
     with the machine's Google Cloud CLI), kubernetes-validate, checkov and PyYAML in \
     ~/.local/kiln-tools/venv, and podman with runc (all but kubectl: run scripts/setup)";

/// The repository's root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the repository")
        .to_path_buf()
}

/// A program of the test tools' virtual environment (`kubernetes-validate`, `checkov`).
pub fn venv_program(name: &str) -> PathBuf {
    tools_python().with_file_name(name)
}

/// Runs `command`, panicking with its output (and the install hint) unless it succeeds;
/// returns its stdout.
pub fn run(command: &mut Command) -> String {
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("running {command:?}: {e}; {INSTALL_HINT}"));
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The objects `kubectl kustomize dir` renders, as JSON.
pub fn render(dir: &Path) -> Vec<Value> {
    let yaml = run(Command::new("kubectl").arg("kustomize").arg(dir));
    from_yaml(&yaml)
}

/// The documents of a multi-document YAML text, as JSON (through PyYAML).
pub fn from_yaml(yaml: &str) -> Vec<Value> {
    use std::io::Write;
    let mut child = Command::new(tools_python())
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps([d for d in yaml.safe_load_all(sys.stdin) if d]))",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running PyYAML: {e}; {INSTALL_HINT}"));
    child
        .stdin
        .take()
        .expect("a stdin")
        .write_all(yaml.as_bytes())
        .expect("writing the YAML");
    let output = child.wait_with_output().expect("PyYAML's output");
    assert!(
        output.status.success(),
        "PyYAML failed: {}; {INSTALL_HINT}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("PyYAML prints JSON")
}

/// Objects as one multi-document YAML text (JSON is YAML).
pub fn to_yaml(objects: &[Value]) -> String {
    objects
        .iter()
        .map(|object| format!("---\n{object}\n"))
        .collect()
}

/// The object's kind.
pub fn kind(object: &Value) -> &str {
    object["kind"].as_str().unwrap_or_default()
}

/// The object's name.
pub fn name(object: &Value) -> &str {
    object["metadata"]["name"].as_str().unwrap_or_default()
}

/// The pod templates of the workloads among `objects` (Deployments, StatefulSets, Jobs),
/// with the workload's name.
pub fn pod_templates(objects: &[Value]) -> Vec<(String, &Value)> {
    objects
        .iter()
        .filter(|o| matches!(kind(o), "Deployment" | "StatefulSet" | "Job"))
        .map(|o| (name(o).to_string(), &o["spec"]["template"]))
        .collect()
}

/// What podman's `kube play` runs in place of rendered objects, as a Kubernetes cluster
/// would create them: each StatefulSet and Deployment becomes its replicas' Pods
/// (`name-0`, `name-1`, ...), a Job its Pod, Secrets become ConfigMaps (podman reads Secret
/// volumes from its own secret store), and what podman does not run or resolve is done
/// here: the downward API (a pod's name and IP: pods reach each other by name on podman's
/// network), `$(VAR)` references, `envFrom`, and Services' DNS names, replaced by the names
/// of the pods they select (a Service of several pods becomes a comma-separated list of
/// URLs, which Kiln's clients accept). Volumes get per-pod names (podman's volumes are
/// named globally), volume claim templates become empty dirs, declared ports are left out
/// (podman would publish them on the host) and so are probes (podman runs them with curl,
/// which the image does not have): the tests call them.
pub fn for_podman(objects: &[Value]) -> Vec<Value> {
    let mut config: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut out = vec![];
    for object in objects {
        let data = match kind(object) {
            "ConfigMap" => string_map(&object["data"]),
            "Secret" => {
                let mut data = string_map(&object["stringData"]);
                if let Some(encoded) = object["data"].as_object() {
                    for (key, value) in encoded {
                        let bytes = BASE64_STANDARD
                            .decode(value.as_str().unwrap_or_default())
                            .expect("a Secret's data is base64");
                        data.insert(key.clone(), String::from_utf8(bytes).expect("UTF-8 data"));
                    }
                }
                data
            }
            _ => continue,
        };
        out.push(json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": name(object)},
            "data": data,
        }));
        config.insert(name(object).to_string(), data);
    }

    let mut pods = vec![];
    for object in objects {
        let spec = &object["spec"];
        let names: Vec<String> = match kind(object) {
            "StatefulSet" | "Deployment" => (0..spec["replicas"].as_u64().unwrap_or(1))
                .map(|i| format!("{}-{i}", name(object)))
                .collect(),
            "Job" => vec![name(object).to_string()],
            _ => continue,
        };
        for pod in names {
            let mut template = spec["template"].clone();
            if let Some(claims) = spec["volumeClaimTemplates"].as_array() {
                let volumes = template["spec"]["volumes"]
                    .as_array_mut()
                    .map(std::mem::take)
                    .unwrap_or_default();
                let claimed = claims
                    .iter()
                    .map(|c| json!({"name": name(c), "emptyDir": {}}));
                template["spec"]["volumes"] = volumes.into_iter().chain(claimed).collect();
            }
            pods.push((pod, template));
        }
    }

    // Each Service's DNS name, and the pods it reaches.
    let services: Vec<(String, Vec<String>)> = objects
        .iter()
        .filter(|o| kind(o) == "Service")
        .map(|service| {
            let selector = &service["spec"]["selector"];
            let selected = pods
                .iter()
                .filter(|(_, template)| selects(selector, &template["metadata"]["labels"]))
                .map(|(pod, _)| pod.clone())
                .collect();
            (name(service).to_string(), selected)
        })
        .collect();

    for (pod, template) in pods {
        let mut spec = template["spec"].clone();
        for container in spec["containers"].as_array_mut().into_iter().flatten() {
            let env = resolved_env(container, &pod, &config, &services);
            let container = container.as_object_mut().expect("a container is an object");
            container.insert(
                "env".into(),
                env.into_iter()
                    .map(|(name, value)| json!({"name": name, "value": value}))
                    .collect(),
            );
            // Podman publishes declared ports on the host, where replicas would collide;
            // pods reach each other's ports on the network without them.
            for field in [
                "envFrom",
                "ports",
                "livenessProbe",
                "readinessProbe",
                "startupProbe",
            ] {
                container.remove(field);
            }
            if let Some(resources) = container.get_mut("resources") {
                for part in ["requests", "limits"] {
                    if let Some(map) = resources[part].as_object_mut() {
                        map.remove("ephemeral-storage");
                    }
                }
            }
            for mount in container
                .get_mut("volumeMounts")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                mount["name"] = format!("{pod}-{}", mount["name"].as_str().unwrap()).into();
            }
        }
        for volume in spec["volumes"].as_array_mut().into_iter().flatten() {
            volume["name"] = format!("{pod}-{}", volume["name"].as_str().unwrap()).into();
            let volume = volume.as_object_mut().expect("a volume is an object");
            if let Some(secret) = volume.remove("secret") {
                let mut map = json!({"name": secret["secretName"]});
                for field in ["items", "optional"] {
                    if let Some(value) = secret.get(field) {
                        map[field] = value.clone();
                    }
                }
                volume.insert("configMap".into(), map);
            }
        }
        let spec_map = spec.as_object_mut().expect("a pod spec is an object");
        for field in [
            "affinity",
            "serviceAccountName",
            "automountServiceAccountToken",
        ] {
            spec_map.remove(field);
        }
        spec_map.insert("hostname".into(), pod.clone().into());
        out.push(json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": pod, "labels": template["metadata"]["labels"]},
            "spec": spec,
        }));
    }
    out
}

/// A container's environment as literal values: `envFrom` first, `env` over it.
fn resolved_env(
    container: &Value,
    pod: &str,
    config: &BTreeMap<String, BTreeMap<String, String>>,
    services: &[(String, Vec<String>)],
) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = vec![];
    let set = |env: &mut Vec<(String, String)>, name: &str, value: String| {
        env.retain(|(n, _)| n != name);
        env.push((name.to_string(), value));
    };
    for source in container["envFrom"].as_array().into_iter().flatten() {
        let reference = source.get("configMapRef").or(source.get("secretRef"));
        let from = reference
            .and_then(|r| r["name"].as_str())
            .unwrap_or_default();
        match config.get(from) {
            Some(data) => {
                for (name, value) in data {
                    set(&mut env, name, value.clone());
                }
            }
            None => assert!(
                reference.is_some_and(|r| r["optional"] == true),
                "{pod}: envFrom names {from}, which is not rendered and not optional"
            ),
        }
    }
    for var in container["env"].as_array().into_iter().flatten() {
        let name = var["name"].as_str().expect("an env var has a name");
        let value = if let Some(value) = var["value"].as_str() {
            expand(value, &env)
        } else if let Some(field) = var["valueFrom"]["fieldRef"]["fieldPath"].as_str() {
            match field {
                "metadata.name" | "status.podIP" => pod.to_string(),
                other => panic!("{pod}: env {name} reads {other}, which podman has no value for"),
            }
        } else {
            let key_ref = &var["valueFrom"]
                .get("configMapKeyRef")
                .or(var["valueFrom"].get("secretKeyRef"))
                .unwrap_or_else(|| panic!("{pod}: env {name} has no value"));
            let from = key_ref["name"].as_str().unwrap_or_default();
            let key = key_ref["key"].as_str().unwrap_or_default();
            config
                .get(from)
                .and_then(|data| data.get(key))
                .unwrap_or_else(|| panic!("{pod}: env {name} reads {from}/{key}, not rendered"))
                .clone()
        };
        set(&mut env, name, value);
    }
    env.into_iter()
        .map(|(name, value)| (name, with_pod_names(&value, services)))
        .collect()
}

/// `value` with each `$(NAME)` of an earlier variable replaced by its value.
fn expand(value: &str, env: &[(String, String)]) -> String {
    let mut text = value.to_string();
    for (name, earlier) in env {
        text = text.replace(&format!("$({name})"), earlier);
    }
    text
}

/// `value` with Services' DNS names replaced by the names of the pods they select.
fn with_pod_names(value: &str, services: &[(String, Vec<String>)]) -> String {
    let mut text = value.to_string();
    // Headless names first, longest service names first (`kiln-etcd-peers` before
    // `kiln-etcd`): `pod.service` is the pod.
    let mut by_length: Vec<_> = services.iter().collect();
    by_length.sort_by_key(|(service, _)| std::cmp::Reverse(service.len()));
    for (service, pods) in by_length {
        for pod in pods {
            text = text.replace(&format!("{pod}.{service}"), pod);
        }
    }
    for (service, pods) in services {
        let host = format!("://{service}:");
        if !text.contains(&host) || pods.is_empty() {
            continue;
        }
        text = text
            .split(',')
            .map(|url| match url.split_once(&host) {
                Some((scheme, port)) => pods
                    .iter()
                    .map(|pod| format!("{scheme}://{pod}:{port}"))
                    .collect::<Vec<_>>()
                    .join(","),
                None => url.to_string(),
            })
            .collect::<Vec<_>>()
            .join(",");
    }
    text
}

/// Whether a Service's selector matches a pod's labels.
fn selects(selector: &Value, labels: &Value) -> bool {
    selector
        .as_object()
        .is_some_and(|s| !s.is_empty() && s.iter().all(|(k, v)| labels.get(k) == Some(v)))
}

fn string_map(value: &Value) -> BTreeMap<String, String> {
    value
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_become_pod_names() {
        let services = vec![
            ("kiln-etcd".to_string(), vec!["kiln-etcd-0".to_string()]),
            (
                "kiln-coordinator".to_string(),
                vec!["c-0".to_string(), "c-1".to_string()],
            ),
        ];
        assert_eq!(
            with_pod_names("http://kiln-etcd:2379", &services),
            "http://kiln-etcd-0:2379"
        );
        assert_eq!(
            with_pod_names("http://kiln-coordinator:50050", &services),
            "http://c-0:50050,http://c-1:50050"
        );
        let mut with_peers = services.clone();
        with_peers.push((
            "kiln-etcd-peers".to_string(),
            vec!["kiln-etcd-0".to_string()],
        ));
        assert_eq!(
            with_pod_names("http://kiln-etcd-0.kiln-etcd-peers:2380", &with_peers),
            "http://kiln-etcd-0:2380"
        );
    }
}
