package serve_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"

	"github.com/lumosgo/lumos/internal/serve"
)

// manifests decodes every document of deploy/*.yaml strictly (an unknown
// or misspelt field fails) into the official Kubernetes API types.
type manifests struct {
	deployment *appsv1.Deployment
	service    *corev1.Service
	hpa        *autoscalingv2.HorizontalPodAutoscaler
	pdb        *policyv1.PodDisruptionBudget
}

func loadManifests(t *testing.T) manifests {
	t.Helper()
	files, err := filepath.Glob("../../deploy/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in deploy/: %v", err)
	}
	var m manifests
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(raw), -1) {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			var meta struct{ APIVersion, Kind string }
			if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			var target any
			switch meta.APIVersion + " " + meta.Kind {
			case "apps/v1 Deployment":
				m.deployment = &appsv1.Deployment{}
				target = m.deployment
			case "v1 Service":
				m.service = &corev1.Service{}
				target = m.service
			case "autoscaling/v2 HorizontalPodAutoscaler":
				m.hpa = &autoscalingv2.HorizontalPodAutoscaler{}
				target = m.hpa
			case "policy/v1 PodDisruptionBudget":
				m.pdb = &policyv1.PodDisruptionBudget{}
				target = m.pdb
			default:
				t.Fatalf("%s: unexpected %s %s", f, meta.APIVersion, meta.Kind)
			}
			if err := yaml.UnmarshalStrict([]byte(doc), target); err != nil {
				t.Fatalf("%s: %s does not decode strictly: %v", f, meta.Kind, err)
			}
		}
	}
	if m.deployment == nil || m.service == nil || m.hpa == nil || m.pdb == nil {
		t.Fatal("deploy/ must hold a Deployment, a Service, a HorizontalPodAutoscaler and a PodDisruptionBudget")
	}
	return m
}

func stripComments(doc string) string {
	var b strings.Builder
	for line := range strings.Lines(doc) {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line)
		}
	}
	return b.String()
}

// TestManifests decodes deploy/ into the Kubernetes types and checks the
// pieces fit: selectors, probes, resources, the drain within the grace
// period, and environment variables the command line knows.
func TestManifests(t *testing.T) {
	is := is.New(t)
	m := loadManifests(t)
	d := m.deployment
	labels := d.Spec.Template.Labels
	matches := func(sel map[string]string) bool {
		for k, v := range sel {
			if labels[k] != v {
				return false
			}
		}
		return len(sel) > 0
	}
	is.True(matches(d.Spec.Selector.MatchLabels))     // the Deployment selects its pods
	is.True(matches(m.service.Spec.Selector))         // the Service selects them
	is.True(matches(m.pdb.Spec.Selector.MatchLabels)) // and the PodDisruptionBudget
	is.Equal(m.hpa.Spec.ScaleTargetRef.Kind, "Deployment")
	is.Equal(m.hpa.Spec.ScaleTargetRef.Name, d.Name)
	is.True(*m.hpa.Spec.MinReplicas >= 2) // losing a replica never loses the service

	is.Equal(len(d.Spec.Template.Spec.Containers), 1)
	c := d.Spec.Template.Spec.Containers[0]
	is.Equal(c.Args, []string{"serve"})
	is.Equal(c.ReadinessProbe.HTTPGet.Path, "/readyz")
	is.Equal(c.LivenessProbe.HTTPGet.Path, "/healthz")
	is.True(!c.Resources.Requests.Cpu().IsZero())    // the HPA's utilisation needs a CPU request
	is.True(!c.Resources.Requests.Memory().IsZero()) // resource requests are set
	is.True(*d.Spec.Template.Spec.SecurityContext.RunAsNonRoot)
	is.True(*c.SecurityContext.ReadOnlyRootFilesystem)
	is.True(!*c.SecurityContext.AllowPrivilegeEscalation)

	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	listen := env["LUMOS_SERVE_LISTEN"]
	is.True(strings.HasSuffix(listen, fmt.Sprintf(":%d", c.Ports[0].ContainerPort)))
	is.True(env["LUMOS_SERVE_TOKEN_FILE"] != "") // a non-loopback address needs a token
	mounted := slices.ContainsFunc(c.VolumeMounts, func(v corev1.VolumeMount) bool {
		return strings.HasPrefix(env["LUMOS_SERVE_TOKEN_FILE"], v.MountPath+"/")
	})
	is.True(mounted) // the token file is on a mounted volume
	drain, err := time.ParseDuration(env["LUMOS_SERVE_DRAIN_TIMEOUT"])
	is.NoErr(err)
	pause := time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
	grace := time.Duration(*d.Spec.Template.Spec.TerminationGracePeriodSeconds) * time.Second
	is.True(pause+drain < grace) // the drain ends before the kubelet kills the pod

	// Every LUMOS_SERVE_ variable is one `lumos serve` reads.
	help, err := exec.Command(lumosBinary(t), "serve", "--help").CombinedOutput()
	is.NoErr(err)
	for name := range env {
		if strings.HasPrefix(name, "LUMOS_SERVE_") && !strings.Contains(string(help), "$"+name) {
			t.Errorf("the Deployment sets %s, which lumos serve does not read", name)
		}
	}
}

// TestDockerfile checks the image recipe: a static build, a final image
// without a shell, a non-root user, and an exec-form entry point.
func TestDockerfile(t *testing.T) {
	is := is.New(t)
	raw, err := os.ReadFile("../../Dockerfile")
	is.NoErr(err)
	var stages []string
	var final []string
	for line := range strings.Lines(string(raw)) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "FROM ") {
			stages = append(stages, line)
			final = nil
		}
		final = append(final, line)
	}
	is.True(len(stages) >= 2)                                  // a build stage and a final one
	is.True(strings.Contains(string(raw), "CGO_ENABLED=0"))    // a static binary
	is.True(strings.Contains(stages[len(stages)-1], "static")) // a final image without libc or shell
	var user, entry string
	for _, l := range final {
		if v, ok := strings.CutPrefix(l, "USER "); ok {
			user = v
		}
		if v, ok := strings.CutPrefix(l, "ENTRYPOINT "); ok {
			entry = v
		}
		is.True(!strings.HasPrefix(l, "RUN ")) // nothing runs in the final image: it has no shell
	}
	is.True(user != "" && !strings.HasPrefix(user, "0") && user != "root") // not root
	var argv []string
	is.NoErr(json.Unmarshal([]byte(entry), &argv)) // exec form: no shell needed
	is.Equal(argv, []string{"/lumos"})
}

// TestSpecFormsAgree: /openapi.yaml and /openapi.json are one document.
func TestSpecFormsAgree(t *testing.T) {
	is := is.New(t)
	url, _ := newServer(t, newSpecConfig())
	js := do(t, "GET", url+"/openapi.json", "")
	yml := do(t, "GET", url+"/openapi.yaml", "")
	is.Equal(js.status, 200)
	is.Equal(yml.status, 200)
	var a, b any
	is.NoErr(json.Unmarshal([]byte(js.body), &a))
	converted, err := yaml.YAMLToJSON([]byte(yml.body))
	is.NoErr(err)
	is.NoErr(json.Unmarshal(converted, &b))
	is.Equal(a, b)
	paths := a.(map[string]any)["paths"].(map[string]any)
	for _, p := range []string{"/connectors", "/connectors/{connector_id}/info", "/connectors/{connector_id}/list_accounts", "/healthz", "/metrics"} {
		if paths[p] == nil {
			t.Errorf("the document lacks %s", p)
		}
	}
}

func newSpecConfig() serve.Config { return serve.Config{Version: "test"} }
