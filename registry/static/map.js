// The results map: drawn only when JavaScript runs, after the list it repeats. Leaflet (minified, loaded by
// the page only when it has a map) is the global L. With REGISTRY_MAP_TILES the map uses that tile server;
// without it, an offline basemap of simplified outlines bundled with the registry (the UK coast, NHS sub-ICB
// locations and Welsh health boards: see the GeoJSON's licence) so the pins sit on a recognisable map.
const L = window.L;
const element = document.getElementById("results-map");
if (element && L) {
  const centre = JSON.parse(element.dataset.centre);
  const points = JSON.parse(element.dataset.points);
  element.style.height = "360px";
  // The page's words, in its language (the template gives them; Leaflet's own are English).
  const words = element.dataset;
  const map = L.map(element, { scrollWheelZoom: false, attributionControl: true, zoomControl: false });
  L.control.zoom({ zoomInTitle: words.zoomIn || "Zoom in", zoomOutTitle: words.zoomOut || "Zoom out" }).addTo(map);
  map.attributionControl.setPrefix(false);
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 18 }).addTo(map);
  } else if (element.dataset.basemap) {
    // Its own pane, under the pins, keeps the outlines in the file's order (land first, then the lines).
    map.createPane("basemap").style.zIndex = 250;
    fetch(element.dataset.basemap)
      .then((response) => (response.ok ? response.json() : null))
      .then((outlines) => {
        if (!outlines) return;
        const layer = L.geoJSON(outlines, {
          pane: "basemap",
          interactive: false,
          style: (feature) =>
            feature.properties.kind === "land"
              ? { color: "#768692", weight: 1, fillColor: "#f0f4f5", fillOpacity: 1 }
              : { color: "#8d9aa3", weight: 1, dashArray: "4 3", fill: false },
        });
        layer.addTo(map);
        map.attributionControl.addAttribution("Natural Earth; ONS (OGL v3.0)");
        element.dataset.basemapDrawn = "true";
      });
  }
  L.circleMarker(centre, { radius: 6, color: "#005eb8", fillOpacity: 1 }).addTo(map).bindTooltip(words.yourSearch || "Your search");
  const bounds = L.latLngBounds([centre]);
  for (const point of points) {
    const marker = L.circleMarker([point.lat, point.lon], {
      radius: 7, color: "#ffffff", weight: 2, fillColor: "#d5281b", fillOpacity: 1,
    });
    const link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.name;
    marker.bindPopup(link).bindTooltip(point.name).addTo(map);
    bounds.extend([point.lat, point.lon]);
  }
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 12 });
  L.control.scale({ imperial: false }).addTo(map);
}
