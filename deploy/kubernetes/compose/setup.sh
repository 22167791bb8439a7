#!/bin/sh
# docker-compose's k3s-setup job (in the rancher/k3s image: busybox sh and kubectl). With k3s's
# admin kubeconfig it applies the manifests of deploy/kubernetes (mounted at /manifests),
# stores the Nexus reader's credentials as the Secret job pods download with, and writes
# /kube/config: the airflow-jobs ServiceAccount's token, all that Airflow gets. Idempotent.
set -eu

admin() {
    kubectl --kubeconfig /k3s-admin/k3s.yaml --server https://k3s:6443 "$@"
}

# The API server answers before the node has registered: wait for the node, then for it to be Ready.
tries=0
until admin get nodes -o name 2>/dev/null | grep -q .; do
    tries=$((tries + 1))
    [ "$tries" -lt 150 ] || { echo "k3s-setup: no node registered in k3s" >&2; exit 1; }
    sleep 2
done
admin wait --for=condition=Ready node --all --timeout=300s
admin apply -f /manifests/namespace.yaml
admin apply -f /manifests/rbac.yaml -f /manifests/compose/airflow-token.yaml
sed "s/@NEXUS_ADDRESS@/${NEXUS_ADDRESS}/" /manifests/compose/nexus-service.yaml | admin apply -f -
admin -n jobs create secret generic nexus-credentials \
    --from-literal=username="${NEXUS_READER_USER}" --from-literal=password="${NEXUS_READER_PASSWORD}" \
    --dry-run=client -o yaml | admin apply -f -

# Kubernetes fills the token Secret in a moment.
tries=0
until token=$(admin -n jobs get secret airflow-jobs-token \
    -o go-template='{{with .data}}{{with .token}}{{base64decode .}}{{end}}{{end}}') && [ -n "$token" ]; do
    tries=$((tries + 1))
    [ "$tries" -lt 60 ] || { echo "k3s-setup: no token for airflow-jobs" >&2; exit 1; }
    sleep 1
done
admin -n jobs get secret airflow-jobs-token -o go-template='{{index .data "ca.crt" | base64decode}}' > /tmp/ca.crt

umask 077
config=/kube/config.new
KUBECONFIG=$config kubectl config set-cluster k3s --server=https://k3s:6443 \
    --certificate-authority=/tmp/ca.crt --embed-certs=true >/dev/null
KUBECONFIG=$config kubectl config set-credentials airflow-jobs --token="$token" >/dev/null
KUBECONFIG=$config kubectl config set-context jobs --cluster=k3s --user=airflow-jobs --namespace=jobs >/dev/null
KUBECONFIG=$config kubectl config use-context jobs >/dev/null
chown 50000:0 "$config"  # the airflow user of the official image
chmod 0440 "$config"
mv "$config" /kube/config

# What the account may do: yes in its namespace, no elsewhere.
echo "airflow-jobs may create pods in jobs: $(KUBECONFIG=/kube/config kubectl auth can-i create pods -n jobs || true)"
echo "airflow-jobs may create pods in default: $(KUBECONFIG=/kube/config kubectl auth can-i create pods -n default || true)"
