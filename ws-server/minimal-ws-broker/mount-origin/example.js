// The broker page: a subscriber socket on "/" shows what is published; a
// publisher socket on "/publisher" sends the input box. Both name the
// "lws-minimal-broker" subprotocol.

function wsURL(path) {
	var scheme = document.location.protocol === "https:" ? "wss://" : "ws://";
	return scheme + document.location.host + "/" + path;
}

document.addEventListener("DOMContentLoaded", function () {
	var sub = new WebSocket(wsURL(""), "lws-minimal-broker");
	var pub = new WebSocket(wsURL("publisher"), "lws-minimal-broker");
	var r = document.getElementById("r");
	var m = document.getElementById("m");
	var b = document.getElementById("b");
	var status = document.getElementById("status");
	var open = 0;

	function opened() {
		if (++open === 2) {
			m.disabled = false;
			b.disabled = false;
			status.textContent = "ws open";
		}
	}
	sub.onopen = opened;
	pub.onopen = opened;
	sub.onmessage = function (msg) {
		r.value += msg.data + "\n";
		r.scrollTop = r.scrollHeight;
	};
	sub.onclose = pub.onclose = function () {
		m.disabled = true;
		b.disabled = true;
		status.textContent = "ws closed";
	};
	b.addEventListener("click", function () {
		pub.send(m.value);
		m.value = "";
	});
});
