package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// startNginx runs an nginx with one worker in a folder of its own under
// the work folder. body is the rest of its http block (access_log and
// server or upstream blocks): "%d" in it stands for the port it picks and
// "%s" for nginx's folder.
func (e *env) startNginx(name, body string) (port int, stop func(), err error) {
	port, err = freePort("tcp")
	if err != nil {
		return 0, nil, err
	}
	prefix, _ := os.MkdirTemp(e.work, "nginx-"+name+".")
	os.Chmod(prefix, 0o755)
	os.MkdirAll(filepath.Join(prefix, "tmp"), 0o755)
	user := ""
	if os.Geteuid() == 0 {
		user = "user root root;\n"
	}
	if !strings.Contains(body, "access_log") {
		body = "access_log off;\n" + body
	}
	body = strings.ReplaceAll(strings.ReplaceAll(body, "%d", fmt.Sprint(port)), "%s", prefix)
	tmp := func(s string) string { return filepath.Join(prefix, "tmp", s) }
	conf := fmt.Sprintf(`# written by scripts/bench: one worker, everything in this folder
%sworker_processes 1;
daemon off;
pid %s;
error_log %s;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path %s;
    proxy_temp_path %s;
    fastcgi_temp_path %s;
    uwsgi_temp_path %s;
    scgi_temp_path %s;
    sendfile on;
    %s
}
`, user, filepath.Join(prefix, "nginx.pid"), filepath.Join(prefix, "error.log"),
		tmp("body"), tmp("proxy"), tmp("fastcgi"), tmp("uwsgi"), tmp("scgi"), body)
	confPath := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return 0, nil, err
	}
	nginx := "nginx"
	if _, err := exec.LookPath(nginx); err != nil {
		nginx = "/usr/sbin/nginx"
	}
	e.note("%s -p $WORK/%s -c nginx.conf   # %s", nginx, filepath.Base(prefix),
		strings.ReplaceAll(strings.ReplaceAll(body, "\n", " "), e.work, "$WORK"))
	c := exec.Command(nginx, "-p", prefix, "-c", confPath, "-e", filepath.Join(prefix, "error.log"))
	// SIGQUIT is graceful: the master waits for its worker.
	stop, err = startDaemon(c, filepath.Join(prefix, "stderr.log"), syscall.SIGQUIT, port, 10*time.Second)
	if err != nil {
		b, _ := os.ReadFile(filepath.Join(prefix, "error.log"))
		return 0, nil, fmt.Errorf("nginx %s: %v: %s", name, err, strings.TrimSpace(string(b)))
	}
	return port, stop, nil
}

// startDaemon starts c with its output in logPath and waits until it
// listens on port. stop sends sig, and kills c if it is still there
// 5 seconds later.
func startDaemon(c *exec.Cmd, logPath string, sig os.Signal, port int, wait time.Duration) (stop func(), err error) {
	lf, _ := os.Create(logPath)
	c.Stdout, c.Stderr = lf, lf
	if err := c.Start(); err != nil {
		lf.Close()
		return nil, err
	}
	done := make(chan struct{})
	go func() { c.Wait(); lf.Close(); close(done) }()
	stop = func() {
		c.Process.Signal(sig)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			c.Process.Kill()
			<-done
		}
	}
	alive := func() bool {
		select {
		case <-done:
			return false
		default:
			return true
		}
	}
	if err := waitListening(port, wait, alive); err != nil {
		stop()
		return nil, err
	}
	return stop, nil
}
