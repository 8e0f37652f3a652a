// The results map: drawn only when JavaScript runs, after the list it repeats. No tile server is used
// unless REGISTRY_MAP_TILES sets one; without tiles the map still shows where results are relative to
// the searched place.
import * as L from "./vendor/leaflet/leaflet-src.esm.js";

const element = document.getElementById("results-map");
if (element) {
  const centre = JSON.parse(element.dataset.centre);
  const points = JSON.parse(element.dataset.points);
  element.style.height = "360px";
  const map = L.map(element, { scrollWheelZoom: false, attributionControl: Boolean(element.dataset.tiles) });
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 18 }).addTo(map);
  }
  L.circleMarker(centre, { radius: 6, color: "#005eb8", fillOpacity: 1 }).addTo(map).bindTooltip("Your search");
  const bounds = L.latLngBounds([centre]);
  for (const point of points) {
    const marker = L.marker([point.lat, point.lon], { title: point.name, alt: point.name, keyboard: true });
    const link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.name;
    marker.bindPopup(link).addTo(map);
    bounds.extend([point.lat, point.lon]);
  }
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 });
  L.control.scale({ imperial: false }).addTo(map);
}
