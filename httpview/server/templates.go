package server

// Template is a starting point for a hand-written response. Raw has CRLF
// line endings and no Content-Length or Date: those are filled in when
// sent, unless the learner turns that off.
type Template struct {
	Name string
	Raw  string
}

// Templates lists the responses a learner starts from, in menu order.
func Templates() []Template {
	const crlf = "\r\n"
	html := func(title, text string) string {
		return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title +
			"</title></head>\n<body><h1>" + title + "</h1><p>" + text + "</p></body></html>\n"
	}
	return []Template{
		{"200 HTML", "HTTP/1.1 200 OK" + crlf +
			"Content-Type: text/html; charset=utf-8" + crlf + crlf +
			html("你好 Hello", "这个响应是手写的。This response was written by hand.")},
		{"200 JSON", "HTTP/1.1 200 OK" + crlf +
			"Content-Type: application/json" + crlf + crlf +
			`{"message": "hello", "from": "NetAssist"}` + "\n"},
		{"204 No Content", "HTTP/1.1 204 No Content" + crlf + crlf},
		{"301 Moved Permanently", "HTTP/1.1 301 Moved Permanently" + crlf +
			"Location: /" + crlf + crlf},
		{"302 Found", "HTTP/1.1 302 Found" + crlf +
			"Location: /" + crlf + crlf},
		{"304 Not Modified", "HTTP/1.1 304 Not Modified" + crlf + crlf},
		{"404 Not Found", "HTTP/1.1 404 Not Found" + crlf +
			"Content-Type: text/html; charset=utf-8" + crlf + crlf +
			html("404 Not Found", "没有这个页面。There is no such page.")},
		{"500 Internal Server Error", "HTTP/1.1 500 Internal Server Error" + crlf +
			"Content-Type: text/plain; charset=utf-8" + crlf + crlf +
			"something went wrong\n"},
		// Each chunk: its size in hex, CRLF, the data, CRLF; a zero-size
		// chunk and a blank line end the body.
		{"200 chunked", "HTTP/1.1 200 OK" + crlf +
			"Content-Type: text/plain; charset=utf-8" + crlf +
			"Transfer-Encoding: chunked" + crlf + crlf +
			"7" + crlf + "Hello, " + crlf +
			"7" + crlf + "chunks!" + crlf +
			"0" + crlf + crlf},
	}
}
