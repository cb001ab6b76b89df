// The chat client for minimal-ws-server: it opens a ws connection on the
// page's own host, naming the "lws-minimal" subprotocol, and shows every
// message the server broadcasts.

function wsURL(path) {
	// wss:// when the page itself came over https://
	var scheme = document.location.protocol === "https:" ? "wss://" : "ws://";
	return scheme + document.location.host + "/" + path;
}

document.addEventListener("DOMContentLoaded", function () {
	var ws = new WebSocket(wsURL(""), "lws-minimal");
	var r = document.getElementById("r");
	var m = document.getElementById("m");
	var b = document.getElementById("b");
	var status = document.getElementById("status");

	ws.onopen = function () {
		m.disabled = false;
		b.disabled = false;
		status.textContent = "ws open";
	};
	ws.onmessage = function (msg) {
		r.value += msg.data + "\n";
		r.scrollTop = r.scrollHeight;
	};
	ws.onclose = function () {
		m.disabled = true;
		b.disabled = true;
		status.textContent = "ws closed";
	};

	function send() {
		ws.send(m.value);
		m.value = "";
	}
	b.addEventListener("click", send);
	m.addEventListener("keydown", function (e) {
		if (e.key === "Enter") {
			send();
		}
	});
});
